using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class ShamirTests
{
    [Property(MaxTest = 100)]
    public bool Reconstruct_RandomThresholdSubsetInRandomOrder_GivesSecret(PositiveInt sizeChoice, int seed)
    {
        var random = new DeterministicRandom(seed);
        int n = 1 + (sizeChoice.Get % 120);
        int t = random.NextInt(1, n + 1);
        byte[] secret = random.NextBytes(Shamir.SecretSize);
        ShamirShare[] shares = Shamir.Split(secret, t, n);
        ShamirShare[] subset = [.. shares.OrderBy(_ => random.NextUInt64()).Take(random.NextInt(t, n + 1))];
        byte[] reconstructed = new byte[Shamir.SecretSize];

        Shamir.Reconstruct(subset, t, reconstructed);

        return reconstructed.AsSpan().SequenceEqual(secret);
    }

    [Property(MaxTest = 50)]
    public bool Reconstruct_FewerThanThreshold_Throws(PositiveInt sizeChoice, int seed)
    {
        var random = new DeterministicRandom(seed);
        int n = 2 + (sizeChoice.Get % 60);
        int t = random.NextInt(2, n + 1);
        ShamirShare[] shares = Shamir.Split(random.NextBytes(32), t, n);

        try
        {
            Shamir.Reconstruct(shares[..(t - 1)], t, new byte[32]);
            return false;
        }
        catch (ArgumentException ex)
        {
            return ex.ParamName == "shares";
        }
    }

    [Property(MaxTest = 30)]
    public bool Split_TMinusOneShares_AreEquallyLikelyForEverySecret(PositiveInt thresholdChoice, int seed)
    {
        // Perfect secrecy, checked exhaustively on GF(13): for every secret, the map from the t − 1 random
        // coefficients to the t − 1 shares is a bijection, so every share vector occurs exactly once.
        var random = new DeterministicRandom(seed);
        int t = 2 + (thresholdChoice.Get % 2);
        ulong[] xs = [.. Enumerable.Range(1, 12).OrderBy(_ => random.NextUInt64()).Take(t - 1).Select(x => (ulong)x)];
        ulong p = SmallPrimeField.Modulus;
        int combinations = (int)Math.Pow(p, t - 1);

        for (ulong secret = 0; secret < p; secret++)
        {
            var seen = new HashSet<string>();
            for (int c = 0; c < combinations; c++)
            {
                ulong[] coefficients = new ulong[t];
                coefficients[0] = secret;
                for (int k = 1, rest = c; k < t; k++, rest /= (int)p)
                {
                    coefficients[k] = (ulong)(rest % (int)p);
                }

                string shares = string.Join(',', xs.Select(x => PolynomialSharing<SmallPrimeField>.Evaluate(coefficients, x)));
                if (!seen.Add(shares))
                {
                    return false;
                }
            }

            if (seen.Count != combinations)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void Split_TenThousandHolders_ReconstructsFromLastThreshold()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        ShamirShare[] shares = Shamir.Split(secret, 200, 10_000);
        byte[] reconstructed = new byte[32];

        Shamir.Reconstruct(shares[^200..], 200, reconstructed);

        Assert.Equal(secret, reconstructed);
        Assert.Equal(10_000, shares[^1].Index);
    }

    [Fact]
    public void Reconstruct_DuplicateIndex_ThrowsNamingShares()
    {
        ShamirShare[] shares = Shamir.Split(new byte[32], 2, 3);

        var ex = Assert.Throws<ArgumentException>("shares", () => Shamir.Reconstruct([shares[0], shares[0]], 2, new byte[32]));
        Assert.Contains("more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconstruct_CorruptedShare_ThrowsSecretSharingException()
    {
        ShamirShare[] shares = Shamir.Split(RandomNumberGenerator.GetBytes(32), 3, 5);
        byte[] encoded = shares[1].Encode();
        encoded[10] ^= 1;
        ShamirShare corrupted = ShamirShare.Decode(encoded);

        Assert.Throws<SecretSharingException>(() => Shamir.Reconstruct([shares[0], corrupted, shares[2]], 3, new byte[32]));
    }

    [Fact]
    public void Reconstruct_ExtraShareInconsistent_ThrowsSecretSharingException()
    {
        ShamirShare[] first = Shamir.Split(RandomNumberGenerator.GetBytes(32), 2, 3);
        ShamirShare[] second = Shamir.Split(RandomNumberGenerator.GetBytes(32), 2, 3);

        var ex = Assert.Throws<SecretSharingException>(() => Shamir.Reconstruct([first[0], first[1], second[2]], 2, new byte[32]));
        Assert.Contains("#3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(67)]
    [InlineData(69)]
    public void Decode_WrongLength_ThrowsNamingEncoded(int length)
    {
        Assert.Throws<ArgumentException>("encoded", () => ShamirShare.Decode(new byte[length]));
    }

    [Fact]
    public void Decode_IndexZero_Throws()
    {
        byte[] encoded = Shamir.Split(new byte[32], 1, 1)[0].Encode();
        encoded[0] = 0;

        Assert.Throws<ArgumentException>("encoded", () => ShamirShare.Decode(encoded));
    }

    [Fact]
    public void Decode_ElementNotBelowModulus_Throws()
    {
        byte[] encoded = Shamir.Split(new byte[32], 1, 1)[0].Encode();
        BitConverter.GetBytes(MersenneField61.P).CopyTo(encoded, 4);

        Assert.Throws<ArgumentException>("encoded", () => ShamirShare.Decode(encoded));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(4, 3)]
    public void Split_ThresholdOutOfRange_Throws(int threshold, int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => Shamir.Split(new byte[32], threshold, count));
    }

    [Fact]
    public void Split_WrongSecretLength_ThrowsNamingSecret()
    {
        Assert.Throws<ArgumentException>("secret", () => Shamir.Split(new byte[31], 1, 1));
    }

    [Property(MaxTest = 200)]
    public bool MersenneMultiply_AnyOperands_MatchesBigIntegerModel(ulong a, ulong b)
    {
        a %= MersenneField61.P;
        b %= MersenneField61.P;

        return MersenneField61.Multiply(a, b) == (ulong)((System.Numerics.BigInteger)a * b % MersenneField61.P)
            && MersenneField61.Add(a, b) == (a + b) % MersenneField61.P
            && MersenneField61.Subtract(a, b) == (a + MersenneField61.P - b) % MersenneField61.P;
    }

    private readonly struct SmallPrimeField : IPrimeField
    {
        public static ulong Modulus => 13;

        public static ulong Add(ulong a, ulong b) => (a + b) % 13;

        public static ulong Subtract(ulong a, ulong b) => (a + 13 - b) % 13;

        public static ulong Multiply(ulong a, ulong b) => a * b % 13;
    }
}
