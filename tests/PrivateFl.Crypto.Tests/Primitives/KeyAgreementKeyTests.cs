using FsCheck.Xunit;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class KeyAgreementKeyTests
{
    // RFC 7748 §5.2.
    public static TheoryData<string, string, string> Rfc7748Vectors => new()
    {
        {
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        },
        {
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc7748Vectors))]
    public void Agree_Rfc7748Vector_GivesExpectedSharedSecret(string scalar, string u, string expected)
    {
        using var key = KeyAgreementKey.Import(Convert.FromHexString(scalar));
        using var portable = KeyAgreementPaths.ImportPortable(Convert.FromHexString(scalar));
        byte[] shared = new byte[32];
        byte[] portableShared = new byte[32];

        key.Agree(Convert.FromHexString(u), shared);
        portable.Agree(Convert.FromHexString(u), portableShared);

        Assert.Equal(expected, Convert.ToHexStringLower(shared));
        Assert.Equal(expected, Convert.ToHexStringLower(portableShared));
    }

    [Property(MaxTest = 100)]
    public bool Agree_OpenSslAndBouncyCastle_GiveTheSamePublicKeysAndSecrets(int seed)
    {
        byte[] privateKey = new DeterministicRandom(seed).NextBytes(32);
        byte[] peerPrivate = new DeterministicRandom(seed ^ 0x5A5A5A5A).NextBytes(32);
        using var fast = KeyAgreementKey.Import(privateKey);
        using var portable = KeyAgreementPaths.ImportPortable(privateKey);
        using var peer = KeyAgreementPaths.ImportPortable(peerPrivate);
        byte[] fromFast = new byte[32];
        byte[] fromPortable = new byte[32];

        fast.Agree(peer.PublicKey, fromFast);
        portable.Agree(peer.PublicKey, fromPortable);

        return fast.PublicKey.SequenceEqual(portable.PublicKey) && fromFast.AsSpan().SequenceEqual(fromPortable);
    }

    [Fact]
    public void UseOpenSsl_OnLinux_IsOnSoTheFastPathIsWhatTheTestsCheck()
    {
        Assert.Equal(OperatingSystem.IsLinux(), PrivateFl.Crypto.Internal.OpenSslX25519.IsAvailable && KeyAgreementKey.UseOpenSsl);
    }

    [Theory]
    [InlineData(1, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079")]
    [InlineData(1000, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51")]
    public void Agree_Rfc7748IteratedVector_GivesExpectedScalar(int iterations, string expected)
    {
        byte[] k = new byte[32];
        byte[] u = new byte[32];
        k[0] = 9;
        u[0] = 9;
        byte[] result = new byte[32];

        for (int i = 0; i < iterations; i++)
        {
            using var key = KeyAgreementKey.Import(k);
            key.Agree(u, result);
            u = k;
            k = (byte[])result.Clone();
        }

        Assert.Equal(expected, Convert.ToHexStringLower(k));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    public void DeriveSharedKey_SmallOrderPeerKey_ThrowsKeyAgreementException(string peerPublicKey)
    {
        using var key = KeyAgreementKey.Generate();
        using var portable = KeyAgreementPaths.ImportPortable(new DeterministicRandom(3).NextBytes(32));
        byte[] output = new byte[32];

        Assert.Throws<KeyAgreementException>(() => key.DeriveSharedKey(Convert.FromHexString(peerPublicKey), KdfLabels.MaskSeed, default, output));
        Assert.Throws<KeyAgreementException>(() => portable.DeriveSharedKey(Convert.FromHexString(peerPublicKey), KdfLabels.MaskSeed, default, output));
    }

    [Fact]
    public void DeriveSharedKey_WrongPeerKeyLength_ThrowsNamingPeerPublicKey()
    {
        using var key = KeyAgreementKey.Generate();

        Assert.Throws<ArgumentException>("peerPublicKey", () => key.DeriveSharedKey(new byte[31], KdfLabels.MaskSeed, default, new byte[32]));
    }

    [Fact]
    public void DeriveSharedKey_AfterDispose_Throws()
    {
        var key = KeyAgreementKey.Generate();
        using var peer = KeyAgreementKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.DeriveSharedKey(peer.PublicKey, KdfLabels.MaskSeed, default, new byte[32]));
    }

    [Property(MaxTest = 50)]
    public bool DeriveSharedKey_AnyTwoKeys_IsSymmetric(byte[] context)
    {
        using var alice = KeyAgreementKey.Generate();
        using var bob = KeyAgreementKey.Generate();
        byte[] fromAlice = new byte[32];
        byte[] fromBob = new byte[32];

        alice.DeriveSharedKey(bob.PublicKey, KdfLabels.MaskSeed, context ?? [], fromAlice);
        bob.DeriveSharedKey(alice.PublicKey, KdfLabels.MaskSeed, context ?? [], fromBob);

        return fromAlice.AsSpan().SequenceEqual(fromBob);
    }

    [Fact]
    public void DeriveSharedKey_DifferentLabels_GiveDifferentKeys()
    {
        using var alice = KeyAgreementKey.Generate();
        using var bob = KeyAgreementKey.Generate();
        byte[] shareKey = new byte[32];
        byte[] maskSeed = new byte[32];

        alice.DeriveSharedKey(bob.PublicKey, KdfLabels.ShareKey, default, shareKey);
        alice.DeriveSharedKey(bob.PublicKey, KdfLabels.MaskSeed, default, maskSeed);

        Assert.NotEqual(shareKey, maskSeed);
    }

    [Fact]
    public void ToString_NeverShowsKeyMaterial()
    {
        using var key = KeyAgreementKey.Generate();

        Assert.DoesNotContain(Convert.ToHexString(key.PublicKey)[..8], key.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
