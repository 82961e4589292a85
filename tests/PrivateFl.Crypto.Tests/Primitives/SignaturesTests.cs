using FsCheck.Xunit;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class SignaturesTests
{
    // RFC 8032 §7.1, tests 1–3.
    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Sign_Rfc8032Vector_GivesExpectedPublicKeyAndSignature(string secretKey, string publicKey, string message, string signature)
    {
        using var key = SigningKey.Import(Convert.FromHexString(secretKey));

        byte[] actual = key.Sign(Convert.FromHexString(message));

        Assert.Equal(publicKey, Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal(signature, Convert.ToHexStringLower(actual));
        Assert.True(Signatures.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), actual));
    }

    [Property(MaxTest = 50)]
    public bool Verify_MessageChanged_ReturnsFalse(byte[] message, byte flip)
    {
        using var key = SigningKey.Generate();
        byte[] signed = message ?? [];
        byte[] signature = key.Sign(signed);
        byte[] changed = [.. signed, (byte)(flip | 1)];

        return Signatures.Verify(key.PublicKey, signed, signature) && !Signatures.Verify(key.PublicKey, changed, signature);
    }

    [Fact]
    public void Verify_OtherSignersKey_ReturnsFalse()
    {
        using var signer = SigningKey.Generate();
        using var other = SigningKey.Generate();
        byte[] signature = signer.Sign("survivors: 1,2,3"u8);

        Assert.False(Signatures.Verify(other.PublicKey, "survivors: 1,2,3"u8, signature));
    }

    [Theory]
    [InlineData(31, 64)]
    [InlineData(32, 63)]
    public void Verify_MalformedLengths_ReturnsFalse(int publicKeyLength, int signatureLength)
    {
        Assert.False(Signatures.Verify(new byte[publicKeyLength], "m"u8, new byte[signatureLength]));
    }

    [Fact]
    public void ExportThenImport_SameKey_SignsIdentically()
    {
        using var key = SigningKey.Generate();
        byte[] exported = new byte[32];
        key.ExportPrivateKey(exported);
        using var imported = SigningKey.Import(exported);

        Assert.Equal(key.Sign("m"u8), imported.Sign("m"u8));
    }
}
