using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Encoding;

public sealed class FixedPointQuantizerTests
{
    [Property(MaxTest = 200)]
    public bool EncodeSumDecode_RandomVectors_StaysWithinRoundingBound(PositiveInt countChoice, PositiveInt lengthChoice, int seed)
    {
        var random = new DeterministicRandom(seed);
        int n = 1 + (countChoice.Get % 50);
        int d = 1 + (lengthChoice.Get % 200);
        double clipNorm = 0.01 + (random.NextDouble() * 100);
        double maxScale = ((double)int.MaxValue / n - 2) / clipNorm;
        double scale = Math.Max(1e-3, random.NextDouble() * maxScale);
        var quantizer = new FixedPointQuantizer(clipNorm, scale, n);
        double[] expected = new double[d];
        uint[] sum = new uint[d];
        uint[] encoded = new uint[d];

        for (int u = 0; u < n; u++)
        {
            double[] x = [.. Enumerable.Range(0, d).Select(_ => (random.NextDouble() - 0.5) * 3 * clipNorm)];
            quantizer.Encode(x, encoded, random);
            ModularVector.Add(sum, encoded);
            double factor = Clipping.ClipFactor(x, clipNorm);
            for (int i = 0; i < d; i++)
            {
                expected[i] += x[i] * factor;
            }
        }

        double[] decoded = new double[d];
        quantizer.Decode(sum, decoded);

        // Each rounding moves a coordinate by less than one unit, so the sum moves by less than n units;
        // the slack covers floating-point rounding of the inputs themselves.
        double bound = quantizer.RoundingErrorBound(n) + (1e-9 * n * clipNorm);
        return decoded.Zip(expected).All(pair => Math.Abs(pair.First - pair.Second) <= bound);
    }

    [Fact]
    public void Encode_SameValueManyTimes_RoundsWithoutBias()
    {
        // Mean of 10^5 stochastic roundings of 0.3 units (the clip norm leaves the vector unclipped);
        // its standard error is sqrt(0.3 · 0.7 / 10^5).
        var random = new DeterministicRandom(7);
        double[] values = Enumerable.Repeat(0.3 / Math.Sqrt(100_000), 100_000).ToArray();
        var scaled = new FixedPointQuantizer(clipNorm: 1, scale: Math.Sqrt(100_000), maxSummands: 1);
        uint[] encoded = new uint[values.Length];

        scaled.Encode(values, encoded, random);
        double mean = encoded.Select(e => (double)FixedPointQuantizer.CentredLift(e)).Average();

        Assert.InRange(mean, 0.3 - (5 * Math.Sqrt(0.21 / 100_000)), 0.3 + (5 * Math.Sqrt(0.21 / 100_000)));
        Assert.All(encoded, e => Assert.InRange(e, 0u, 1u));
    }

    [Fact]
    public void Encode_NegativeValues_WrapIntoUpperHalf()
    {
        var quantizer = new FixedPointQuantizer(clipNorm: 10, scale: 1, maxSummands: 1);
        uint[] encoded = new uint[1];

        quantizer.Encode([-3.0], encoded, new DeterministicRandom(1));

        Assert.Equal(unchecked((uint)-3), encoded[0]);
    }

    [Fact]
    public void Constructor_SumWouldWrap_RefusesWithHeadroomMessage()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("scale", () => new FixedPointQuantizer(clipNorm: 1, scale: 1 << 24, maxSummands: 200));

        Assert.Contains("2^31", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoiseBoundCounts_TowardsHeadroom()
    {
        _ = new FixedPointQuantizer(clipNorm: 1, scale: 1000, maxSummands: 1000);

        Assert.Throws<ArgumentOutOfRangeException>("scale", () => new FixedPointQuantizer(clipNorm: 1, scale: 1000, maxSummands: 1000, noiseBound: 2_200_000));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 1.0)]
    [InlineData(double.NaN, 1.0)]
    public void Constructor_InvalidClipNorm_ThrowsNamingClipNorm(double clipNorm, double scale)
    {
        Assert.Throws<ArgumentOutOfRangeException>("clipNorm", () => new FixedPointQuantizer(clipNorm, scale, 1));
    }

    [Fact]
    public void Encode_NonFiniteValue_Throws()
    {
        var quantizer = new FixedPointQuantizer(1, 10, 1);

        Assert.Throws<ArgumentException>("values", () => quantizer.Encode([1.0, double.PositiveInfinity], new uint[2]));
    }

    [Fact]
    public void Decode_LengthMismatch_ThrowsNamingDestination()
    {
        var quantizer = new FixedPointQuantizer(1, 10, 1);

        Assert.Throws<ArgumentException>("destination", () => quantizer.Decode(new uint[2], new double[3]));
    }
}
