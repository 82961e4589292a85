using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class KdfTests
{
    // RFC 5869 Appendix A, test cases 1–3 (SHA-256).
    public static TheoryData<string, string, string, int, string> Rfc5869Vectors => new()
    {
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        },
        {
            Range(0x00, 0x50), Range(0x60, 0x50), Range(0xb0, 0x50), 82,
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"
        },
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc5869Vectors))]
    public void Hkdf_Rfc5869Vector_GivesExpectedOutput(string ikm, string salt, string info, int length, string expected)
    {
        byte[] output = new byte[length];

        Kdf.Hkdf(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), output);

        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void DeriveKey_LabelAndContext_EqualsHkdfWithNulSeparatedInfo()
    {
        byte[] ikm = Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] context = [1, 2, 3];
        byte[] expected = new byte[32];
        byte[] actual = new byte[32];
        byte[] info = [.. System.Text.Encoding.ASCII.GetBytes(KdfLabels.ShareKey), 0, .. context];

        Kdf.Hkdf(ikm, default, info, expected);
        Kdf.DeriveKey(ikm, KdfLabels.ShareKey, context, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DeriveKey_LabelBoundaryShifted_GivesDifferentKey()
    {
        byte[] ikm = new byte[32];
        byte[] first = new byte[32];
        byte[] second = new byte[32];

        Kdf.DeriveKey(ikm, "privatefl/v1/a", "b"u8, first);
        Kdf.DeriveKey(ikm, "privatefl/v1/ab", default, second);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    public void DeriveKey_InvalidLabel_ThrowsNamingLabel(string label)
    {
        Assert.Throws<ArgumentException>("label", () => Kdf.DeriveKey(new byte[32], label, default, new byte[32]));
    }

    [Fact]
    public void DeriveKey_EmptyOutput_ThrowsNamingOutput()
    {
        Assert.Throws<ArgumentException>("output", () => Kdf.DeriveKey(new byte[32], KdfLabels.MaskSeed, default, Span<byte>.Empty));
    }

    private static string Range(int start, int count) =>
        Convert.ToHexString(Enumerable.Range(start, count).Select(b => (byte)b).ToArray());
}
