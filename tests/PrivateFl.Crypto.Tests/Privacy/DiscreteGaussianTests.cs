using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Privacy;

public sealed class DiscreteGaussianTests
{
    private const int SampleCount = 100_000;

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(2.0, 2)]
    [InlineData(50.0, 3)]
    [InlineData(10_000.0, 4)]
    public void Sample_FixedSeed_MeanAndVarianceWithinFiveStandardErrors(double sigma, int seed)
    {
        var sampler = new DiscreteGaussian(sigma);
        long[] samples = new long[SampleCount];

        sampler.Sample(samples, new DeterministicRandom(seed));

        (double variance, double fourthMoment) = ExactMoments(sigma);
        double mean = samples.Average();
        double sampleVariance = samples.Select(x => ((double)x - mean) * ((double)x - mean)).Sum() / (SampleCount - 1);
        double meanError = Math.Sqrt(variance / SampleCount);
        double varianceError = Math.Sqrt((fourthMoment - (variance * variance)) / SampleCount);
        Assert.InRange(mean, -5 * meanError, 5 * meanError);
        Assert.InRange(sampleVariance, variance - (5 * varianceError), variance + (5 * varianceError));
    }

    [Fact]
    public void Sample_SigmaTwo_FitsExactPmfByChiSquare()
    {
        // Bins −8 … 8 with both tails folded into the end bins; false-positive rate 10^-4 (fixed seed).
        const double Sigma = 2.0;
        const int Edge = 8;
        long[] samples = new long[SampleCount];
        new DiscreteGaussian(Sigma).Sample(samples, new DeterministicRandom(42));
        long[] observed = new long[(2 * Edge) + 1];
        foreach (long x in samples)
        {
            observed[Math.Clamp(x, -Edge, Edge) + Edge]++;
        }

        double[] expected = new double[observed.Length];
        double normaliser = Enumerable.Range(-400, 801).Sum(k => Density(k, Sigma));
        for (int k = -400; k <= 400; k++)
        {
            expected[Math.Clamp(k, -Edge, Edge) + Edge] += SampleCount * Density(k, Sigma) / normaliser;
        }

        Assert.InRange(ChiSquare.Statistic(observed, expected), 0, ChiSquare.Critical(observed.Length - 1, 1e-4));
    }

    [Fact]
    public void Sample_LargestSigma_StaysCentredAndFinite()
    {
        var sampler = new DiscreteGaussian(DiscreteGaussian.MaxSigma);
        long[] samples = new long[2000];

        sampler.Sample(samples, new DeterministicRandom(5));

        Assert.InRange(samples.Average(), -5 * DiscreteGaussian.MaxSigma / Math.Sqrt(2000), 5 * DiscreteGaussian.MaxSigma / Math.Sqrt(2000));
        Assert.All(samples, x => Assert.InRange(Math.Abs(x), 0, 10 * (long)DiscreteGaussian.MaxSigma));
    }

    [Fact]
    public void SigmaSquaredUsed_IsNeverBelowRequestedAndWithinTwoToTheMinus40()
    {
        foreach (double sigma in new[] { 0.1, 0.5, 1.0 / 3, 2, 50.7, 12345.678, 1e6 })
        {
            var sampler = new DiscreteGaussian(sigma);
            Assert.InRange(sampler.SigmaSquaredUsed / (sigma * sigma), 1 - 1e-15, 1 + Math.Pow(2, -39));
        }
    }

    [Fact]
    public void AddTo_WrapsNegativeNoiseIntoTheGroup()
    {
        var sampler = new DiscreteGaussian(3);
        uint[] vector = new uint[1000];
        long[] expected = new long[1000];
        sampler.Sample(expected, new DeterministicRandom(9));

        sampler.AddTo(vector, new DeterministicRandom(9));

        Assert.Equal(expected.Select(x => unchecked((uint)x)), vector);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(2e7)]
    [InlineData(double.NaN)]
    public void Constructor_SigmaOutOfRange_ThrowsNamingSigma(double sigma)
    {
        Assert.Throws<ArgumentOutOfRangeException>("sigma", () => new DiscreteGaussian(sigma));
    }

    private static double Density(long k, double sigma) => Math.Exp(-(double)k * k / (2 * sigma * sigma));

    private static (double Variance, double FourthMoment) ExactMoments(double sigma)
    {
        long edge = (long)Math.Ceiling(40 * sigma) + 10;
        double normaliser = 0, second = 0, fourth = 0;
        for (long k = -edge; k <= edge; k++)
        {
            double weight = Density(k, sigma);
            double square = (double)k * k;
            normaliser += weight;
            second += square * weight;
            fourth += square * square * weight;
        }

        return (second / normaliser, fourth / normaliser);
    }
}
