using MathNet.Numerics.Distributions;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>Pearson's chi-square goodness-of-fit test.</summary>
internal static class ChiSquare
{
    /// <summary>The statistic Σ (observed − expected)² / expected.</summary>
    public static double Statistic(ReadOnlySpan<long> observed, ReadOnlySpan<double> expected)
    {
        double statistic = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }

        return statistic;
    }

    /// <summary>The critical value a true null hypothesis exceeds with probability <paramref name="falsePositiveRate"/>.</summary>
    public static double Critical(int degreesOfFreedom, double falsePositiveRate) =>
        ChiSquared.InvCDF(degreesOfFreedom, 1 - falsePositiveRate);
}
