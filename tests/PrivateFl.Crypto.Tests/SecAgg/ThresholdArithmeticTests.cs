using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// The arithmetic of the threshold rules (specs/protocol.md §2.3, "Arithmetic"): binary64 with the reference's
/// 10^−14 guard, checked against exact rational arithmetic on the decimal settings an operator types.
/// </summary>
public sealed class ThresholdArithmeticTests
{
    private static readonly RoundIdentity Round = new("session", 1, new byte[32]);

    [Theory]
    [InlineData(100, 0.57, 57)]
    [InlineData(100, 0.29, 29)]
    [InlineData(1000, 0.05, 50)]
    [InlineData(10, 0.33, 3)]
    public void CorruptedCount_DecimalRateStoredBelowItself_CountsTheDecimalProduct(int n, double corrupted, int expected)
    {
        Assert.Equal(expected, GraphParameterAnalysis.CorruptedCount(n, corrupted));
    }

    [Fact]
    public void CorruptedCount_WithoutTheGuard_WouldUnderCount()
    {
        // 0.57 is stored as 0.56999999999999995…: the unguarded product rounds down to 56.
        Assert.Equal(56, (int)Math.Floor(0.57 * 100));
        Assert.Equal(57, GraphParameterAnalysis.CorruptedCount(100, 0.57));
    }

    [Theory]
    [InlineData(100, 0.41, 59)]
    [InlineData(10, 0.7, 3)]
    [InlineData(10, 0.0, 10)]
    [InlineData(1000, 0.33, 670)]
    public void SurvivorCount_DecimalRate_CountsTheDecimalProduct(int n, double dropout, int expected)
    {
        Assert.Equal(expected, GraphParameterAnalysis.SurvivorCount(n, dropout));
    }

    [Fact]
    public void SurvivorCount_WithoutTheGuard_WouldOverCount()
    {
        // (1 − 0.41)·100 = 59.000000000000007 and (1 − 0.7)·10 = 3.0000000000000004 in binary64.
        Assert.Equal(60, (int)Math.Ceiling((1 - 0.41) * 100));
        Assert.Equal(4, (int)Math.Ceiling((1 - 0.7) * 10));
        Assert.Equal(59, GraphParameterAnalysis.SurvivorCount(100, 0.41));
    }

    /// <summary>Rates with at most six decimals, any n ≤ 2^20: C, D and S equal the exact decimal products.</summary>
    [Property(MaxTest = 2000)]
    public Property Counts_SixDecimalRates_EqualTheExactDecimalProducts() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(1, 1 << 20) from millionths in Gen.Choose(0, 999_999) select (n, (long)millionths)),
            c =>
            {
                double rate = c.Item2 / 1e6;
                return GraphParameterAnalysis.CorruptedCount(c.n, rate) == c.Item2 * c.n / 1_000_000
                    && GraphParameterAnalysis.DropoutCount(c.n, rate) == c.Item2 * c.n / 1_000_000
                    && GraphParameterAnalysis.SurvivorCount(c.n, rate) == (((1_000_000 - c.Item2) * c.n) + 999_999) / 1_000_000;
            });

    [Fact]
    public void Complete_SeventyPercentDropoutOfTen_MaximumThresholdIsTwo()
    {
        // Exactly 3 of 10 survive, so each keeps 2 live neighbours: t_max = 2 (it was 3 without the guard).
        SecAggParameters parameters = SecAggParameters.Complete(10, 1, Round, SecAggMode.SemiHonest, dropoutRate: 0.7, corruptedFraction: 0, maximizeThreshold: true);

        Assert.Equal(2, parameters.Threshold);
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => SecAggParameters.Complete(10, 1, Round, SecAggMode.SemiHonest, dropoutRate: 0.7, corruptedFraction: 0, threshold: 3));
    }

    [Fact]
    public void SecAggPlus_FiftySevenPercentCorrupted_SecureAgainstFiftySevenClients()
    {
        // Issue 9 §5: without the guard the finder assumed 56 corrupted clients and reached only 2^−38.7.
        SecAggParameters parameters = SecAggParameters.SecAggPlus(100, 1, Round, SecAggMode.SemiHonest, dropoutRate: 0.05, corruptedFraction: 0.57);

        if (parameters.GraphKind == NeighbourGraphKind.Harary)
        {
            Assert.True(ExactTail.UpperTailBelow(100, 57, parameters.Degree, parameters.Threshold, 41, 100));
        }
        else
        {
            Assert.True(parameters.Threshold > 57);
        }
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void ForRound_ZeroBits_MeanTheDefaults(SecAggMode mode)
    {
        var zero = new SecAggPolicy(mode, NeighbourGraphKind.Harary, 0.05, 0.05);
        var explicitDefaults = zero with { SecurityBits = 40, CorrectnessBits = 20 };

        SecAggParameters a = SecAggParameters.ForRound(zero, 1000, 10, Round);
        SecAggParameters b = SecAggParameters.ForRound(explicitDefaults, 1000, 10, Round);

        Assert.Equal((b.GraphKind, b.Degree, b.Threshold, b.SecurityBits, b.CorrectnessBits), (a.GraphKind, a.Degree, a.Threshold, a.SecurityBits, a.CorrectnessBits));
    }

    /// <summary>
    /// Whatever (n, γ, δ) an operator types with two decimals, the derived (k, t) meets the three conditions of
    /// §2.3 evaluated exactly: counts from the decimal rates (not their binary64 approximations) and every
    /// probability as a ratio of big integers.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property FindHarary_DecimalSettings_MeetEveryConditionInExactArithmetic() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(10, 300) from g in Gen.Choose(0, 59) from d in Gen.Choose(0, 44) from active in Gen.Elements(false, true) select (n, g, d, active)),
            c => MeetsEveryCondition(c.n, c.g, c.d, c.active));

    private static Property MeetsEveryCondition(int n, int gammaPercent, int deltaPercent, bool active)
    {
        if (gammaPercent + ((active ? 2 : 1) * deltaPercent) > 90)
        {
            return true.ToProperty();
        }

        double gamma = gammaPercent / 100.0;
        double delta = deltaPercent / 100.0;
        (int Degree, int Threshold)? found = GraphParameterAnalysis.FindHarary(n, gamma, delta, active, 40, 20);
        if (found is null)
        {
            return true.ToProperty().Classify(true, "complete fallback");
        }

        (int k, int t) = found.Value;
        int corrupted = gammaPercent * n / 100;
        int dropped = deltaPercent * n / 100;
        int survivors = n - dropped;
        bool connected = ExactTail.Connected(n, k, corrupted + dropped, 41);
        bool secure = ExactTail.UpperTailBelow(n, corrupted, k, active ? (2 * t) - k : t, 41, n);
        bool correct = ExactTail.LowerTailBelow(n, survivors, k, t - 1, 20, n);
        return (connected && secure && correct && t >= 2 && t <= k)
            .Label($"n = {n}, γ = {gamma}, δ = {delta}, active = {active}: k = {k}, t = {t}; connected {connected}, secure {secure}, correct {correct}");
    }

    /// <summary>Exact hypergeometric tails and the connectivity bound, as ratios of big integers.</summary>
    private static class ExactTail
    {
        /// <summary>P[Hyp(n, marked, k) ≥ from] &lt; 2^−bits / divisor.</summary>
        public static bool UpperTailBelow(int n, int marked, int k, int from, int bits, int divisor)
        {
            BigInteger count = 0;
            for (int x = Math.Max(from, 0); x <= Math.Min(k, marked); x++)
            {
                count += Binomial(marked, x) * Binomial(n - marked, k - x);
            }

            return count * divisor * BigInteger.Pow(2, bits) < Binomial(n, k);
        }

        /// <summary>P[Hyp(n, marked, k) ≤ upTo] &lt; 2^−bits / divisor.</summary>
        public static bool LowerTailBelow(int n, int marked, int k, int upTo, int bits, int divisor)
        {
            BigInteger count = 0;
            for (int x = 0; x <= Math.Min(upTo, Math.Min(k, marked)); x++)
            {
                count += Binomial(marked, x) * Binomial(n - marked, k - x);
            }

            return count * divisor * BigInteger.Pow(2, bits) < Binomial(n, k);
        }

        /// <summary>k &gt; B, or n(n − k − 1)/2 · (B)_k / (n)_k &lt; 2^−bits.</summary>
        public static bool Connected(int n, int k, int bad, int bits)
        {
            if (k > bad)
            {
                return true;
            }

            BigInteger numerator = (BigInteger)n * (n - k - 1) * BigInteger.Pow(2, bits);
            BigInteger denominator = 2;
            for (int i = 0; i < k; i++)
            {
                numerator *= bad - i;
                denominator *= n - i;
            }

            return numerator < denominator;
        }

        private static BigInteger Binomial(int n, int k)
        {
            if (k < 0 || k > n)
            {
                return 0;
            }

            BigInteger result = 1;
            for (int i = 1; i <= Math.Min(k, n - k); i++)
            {
                result = result * (n - Math.Min(k, n - k) + i) / i;
            }

            return result;
        }
    }
}
