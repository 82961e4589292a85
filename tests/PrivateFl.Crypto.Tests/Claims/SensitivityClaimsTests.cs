using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// specs/privacy.md §2: "two neighbouring sums are rounded independently, so their quantized vectors differ by at most
/// Δ = s·C + 2√d; for client level, the neighbour sends nothing, so Δ = s·C + √d" (docs/claims.md V5): the formula
/// pinned at values computed by hand, and the bound checked on the real quantizer's output.
/// </summary>
public sealed class SensitivityClaimsTests
{
    [Theory]
    [InlineData(1.0, 4096.0, 25, true, 4106.0)]
    [InlineData(1.0, 4096.0, 25, false, 4101.0)]
    [InlineData(2.5, 65536.0, 100, true, 163860.0)]
    [InlineData(2.5, 65536.0, 100, false, 163850.0)]
    [InlineData(0.5, 1024.0, 1, true, 514.0)]
    [InlineData(3.0, 256.0, 10_000, false, 868.0)]
    public void Sensitivity_HandComputedSettings_EqualsScaleTimesClipPlusOneOrTwoRootD(double clip, double scale, int dimension, bool recordLevel, double expected) =>
        Assert.Equal(expected, DistributedNoise.Sensitivity(clip, scale, dimension, recordLevel));

    /// <summary>
    /// Record level: two vectors at most C apart (one record's clipped gradient added or removed), each quantized
    /// with its own stochastic rounding, are at most s·C + 2√d apart in quantized units. Client level: one client's
    /// quantized vector of norm at most C is at most s·C + √d from the zero vector a missing client contributes.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Encode_NeighbouringInputs_QuantizedDifferenceWithinTheSensitivity() =>
        Prop.ForAll(
            Arb.From(from dimension in Gen.Choose(1, 64)
                     from scaleBits in Gen.Choose(2, 16)
                     from clipTenths in Gen.Choose(1, 40)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (dimension, scale: Math.Pow(2, scaleBits), clip: clipTenths / 10.0, seed)),
            s =>
            {
                var random = new Random(s.seed);
                double[] x = Scaled(RandomVector(random, s.dimension), 3 * s.clip * random.NextDouble());
                double[] step = Scaled(RandomVector(random, s.dimension), s.clip * random.NextDouble());
                double[] neighbour = [.. x.Zip(step, (a, b) => a + b)];
                double[] client = Scaled(RandomVector(random, s.dimension), s.clip * random.NextDouble());

                // A bound well above every norm here: nothing is clipped, so only the rounding is measured.
                var quantizer = new FixedPointQuantizer(10 * s.clip, s.scale, 1);
                double record = Distance(Encode(quantizer, x), Encode(quantizer, neighbour));
                double single = Distance(Encode(quantizer, client), new uint[s.dimension]);

                return (record <= DistributedNoise.Sensitivity(s.clip, s.scale, s.dimension, recordLevel: true)
                        && single <= DistributedNoise.Sensitivity(s.clip, s.scale, s.dimension, recordLevel: false))
                    .Label($"{s}: record {record:R}, client {single:R}");
            });

    private static double[] RandomVector(Random random, int dimension) => [.. Enumerable.Range(0, dimension).Select(_ => random.NextDouble() - 0.5)];

    private static double[] Scaled(double[] vector, double norm)
    {
        double length = Math.Sqrt(vector.Sum(v => v * v));
        return length == 0 ? vector : [.. vector.Select(v => v * norm / length)];
    }

    private static uint[] Encode(FixedPointQuantizer quantizer, double[] values)
    {
        uint[] encoded = new uint[values.Length];
        quantizer.Encode(values, encoded);
        return encoded;
    }

    private static double Distance(uint[] a, uint[] b) =>
        Math.Sqrt(a.Zip(b, (p, q) => (double)FixedPointQuantizer.CentredLift(unchecked(p - q))).Sum(v => v * v));
}
