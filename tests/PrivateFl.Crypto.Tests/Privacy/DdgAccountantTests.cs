using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Crypto.Tests.Privacy;

public sealed class DdgAccountantTests
{
    // Pins from bench/reference/ddg_accounting.py: an independent 60-digit (mpmath) re-implementation of the formulas
    // google-research/federated distributed_dp/accounting_utils.py applies (KLS21 Prop. 14, ZW19 Thm. 5, the CKS20
    // conversion of tfp.get_privacy_spent) on this accountant's order grid. Tolerance: 10^-9 relative (the script prints 12 digits).
    [Theory]
    [InlineData(0.01, 1.0, 1000, 1e-5, 0.0, 0, 1.0, 2.45028790442)]
    [InlineData(0.01, 0.8, 100, 1e-5, 0.0, 0, 1.0, 2.51199202069)]
    [InlineData(0.02, 1.1, 500, 1e-5, 0.0, 0, 1.0, 3.11285651014)]
    [InlineData(0.05, 1.5, 40, 1e-5, 0.0, 0, 1.0, 1.75841905864)]
    [InlineData(0.05, 1.0, 200, 1e-6, 0.0, 0, 1.0, 7.67493140051)]
    [InlineData(0.1, 2.0, 100, 1e-5, 0.0, 0, 1.0, 3.94429521071)]
    [InlineData(0.1, 1.0, 10, 1e-5, 0.0, 0, 1.0, 4.25145769509)]
    [InlineData(0.2, 3.0, 50, 1e-5, 0.0, 0, 1.0, 4.74683138573)]
    [InlineData(0.3, 5.0, 20, 1e-6, 0.0, 0, 1.0, 2.46765903282)]
    [InlineData(0.5, 2.0, 10, 1e-5, 0.0, 0, 1.0, 6.55145530501)]
    [InlineData(0.5, 10.0, 3, 1e-5, 0.0, 0, 1.0, 0.415776125647)]
    [InlineData(0.9, 4.0, 10, 1e-5, 0.0, 0, 1.0, 3.61709977298)]
    [InlineData(1.0, 2.0, 10, 1e-5, 0.0, 0, 1.0, 8.07940622242)]
    [InlineData(1.0, 20.0, 1, 1e-5, 0.0, 0, 1.0, 0.180982474486)]
    [InlineData(0.1, 1.0, 100, 1e-5, 1e-3, 100, 10.0, 10.0595689439)]
    [InlineData(0.05, 2.0, 100, 1e-5, 1e-2, 1000, 31.6, 3.46439811849)]
    [InlineData(1.0, 2.0, 10, 1e-5, 1e-3, 100, 10.0, 8.27149134982)]
    [InlineData(1.0, 3.0, 5, 1e-5, 1e-4, 10000, 50.0, 3.44267411141)]
    public void Epsilon_ReferenceTable_MatchesIndependentReimplementation(double q, double sigma, int steps, double delta, double tau, int dimension, double ratio, double expected)
    {
        double epsilon = DdgAccountant.Epsilon(new DdgRound(q, sigma, new DdgDiscreteness(tau, dimension, ratio)), steps, delta);

        Assert.InRange(epsilon, expected * (1 - 1e-9), expected * (1 + 1e-9));
    }

    [Theory]
    [InlineData(2.0, 0.1, 1.0, 0.0, 0, 1.0, 0.0170368632361766)]
    [InlineData(10.0, 0.1, 1.0, 0.0, 0, 1.0, 2.56488440542336)]
    [InlineData(64.0, 0.01, 0.8, 0.0, 0, 1.0, 45.3391701648481)]
    [InlineData(512.0, 0.05, 2.0, 0.0, 0, 1.0, 61.0005551628748)]
    [InlineData(7.0, 0.05, 2.0, 1e-2, 1000, 31.6, 0.0258204504385903)]
    [InlineData(3.0, 0.5, 0.5, 0.0, 0, 1.0, 5.50975717143175)]
    public void RoundRdp_ReferenceOrders_MatchIndependentReimplementation(double alpha, double q, double sigma, double tau, int dimension, double ratio, double expected)
    {
        double rdp = DdgAccountant.RoundRdp(new DdgRound(q, sigma, new DdgDiscreteness(tau, dimension, ratio)), [alpha])[0];

        Assert.InRange(rdp, expected * (1 - 1e-9), expected * (1 + 1e-9));
    }

    [Property(MaxTest = 100)]
    public bool Epsilon_FullBatchWithSessionDiscreteness_EqualsTheGaussianAccountantExactly(PositiveInt roundChoice, PositiveInt sigmaChoice, PositiveInt sessionChoice)
    {
        // q = 1 sessions keep their figures: with σ_client ≥ 4 the discreteness term changes no bit of ε.
        int rounds = 1 + (roundChoice.Get % 200);
        double sigma = 0.5 + (sigmaChoice.Get % 1000 / 50.0);
        int dimension = 1 + (sessionChoice.Get % 5000);
        int clients = 2 + (sessionChoice.Get % 997);
        DdgDiscreteness discreteness = DistributedNoise.Discreteness(DistributedNoise.Sensitivity(1, 1 << 12, dimension, recordLevel: true), dimension, clients);

        return DdgAccountant.Epsilon(new DdgRound(1, sigma, discreteness), rounds, 1e-5) == RdpAccountant.Epsilon(1, sigma, rounds, 1e-5);
    }

    [Property(MaxTest = 80)]
    public bool Epsilon_MonotoneInNoiseSamplingRateAndRounds(PositiveInt roundChoice, PositiveInt qChoice, PositiveInt sigmaChoice, PositiveInt tauChoice)
    {
        int rounds = 1 + (roundChoice.Get % 300);
        double q = 0.001 + (qChoice.Get % 999 / 1000.0);
        double sigma = 0.5 + (sigmaChoice.Get % 500 / 50.0);
        var discreteness = tauChoice.Get % 2 == 0 ? DdgDiscreteness.None : new DdgDiscreteness(tauChoice.Get % 100 / 1e4, 1 + (tauChoice.Get % 1000), 1 + (tauChoice.Get % 30));
        double epsilon = DdgAccountant.Epsilon(new DdgRound(q, sigma, discreteness), rounds, 1e-5);
        const double Slack = 1e-12;

        return DdgAccountant.Epsilon(new DdgRound(q, sigma, discreteness), rounds + 1, 1e-5) >= epsilon * (1 - Slack)
            && DdgAccountant.Epsilon(new DdgRound(Math.Min(1, q * 1.1), sigma, discreteness), rounds, 1e-5) >= epsilon * (1 - Slack)
            && DdgAccountant.Epsilon(new DdgRound(q, sigma * 1.1, discreteness), rounds, 1e-5) <= epsilon * (1 + Slack);
    }

    [Property(MaxTest = 80)]
    public bool Epsilon_SubsampledRounds_AtLeastTheContinuousGaussianAnalysis(PositiveInt roundChoice, PositiveInt qChoice, PositiveInt sigmaChoice)
    {
        // ZW19 Thm. 5 bounds every mechanism, the Gaussian included, whose subsampled RDP MTZ19 computes exactly; the
        // discrete noise's RDP is at least the Gaussian's. So at equal σ the new ε is never below the old one.
        int rounds = 1 + (roundChoice.Get % 300);
        double q = 0.001 + (qChoice.Get % 998 / 1000.0);
        double sigma = 0.5 + (sigmaChoice.Get % 500 / 50.0);
        DdgDiscreteness discreteness = DistributedNoise.Discreteness(DistributedNoise.Sensitivity(1, 1 << 12, 36, recordLevel: true), 36, 10);

        double continuous = RdpAccountant.Epsilon(q, sigma, rounds, 1e-5);

        return DdgAccountant.Epsilon(new DdgRound(q, sigma, discreteness), rounds, 1e-5) >= continuous * (1 - 1e-6);
    }

    [Property(MaxTest = 40)]
    public bool CalibrateNoise_AnyTarget_GivesEpsilonWithinOnePercentBelow(PositiveInt roundChoice, PositiveInt qChoice, PositiveInt targetChoice)
    {
        int rounds = 1 + (roundChoice.Get % 100);
        double q = qChoice.Get % 2 == 0 ? 1 : 0.01 + (qChoice.Get % 50 / 100.0);
        double target = 0.25 + (targetChoice.Get % 80 / 10.0);
        DdgDiscreteness discreteness = DistributedNoise.Discreteness(DistributedNoise.Sensitivity(1, 1 << 12, 36, recordLevel: true), 36, 10);

        double sigma = DdgAccountant.CalibrateNoise(q, discreteness, rounds, target, 1e-5);
        double epsilon = DdgAccountant.Epsilon(new DdgRound(q, sigma, discreteness), rounds, 1e-5);

        return epsilon <= target && epsilon >= 0.99 * target;
    }

    [Fact]
    public void CalibrateNoise_FullBatch_SameNoiseAsTheGaussianAccountant()
    {
        DdgDiscreteness discreteness = DistributedNoise.Discreteness(DistributedNoise.Sensitivity(1, 1 << 12, 36, recordLevel: true), 36, 10);

        Assert.Equal(RdpAccountant.CalibrateNoise(1, 10, 1, 1e-5), DdgAccountant.CalibrateNoise(1, discreteness, 10, 1, 1e-5));
    }

    [Fact]
    public void Epsilon_HeterogeneousRounds_EqualsUniformWhenRoundsAreEqual()
    {
        var round = new DdgRound(0.05, 1.5, DdgDiscreteness.None);

        Assert.Equal(DdgAccountant.Epsilon(round, 40, 1e-5), DdgAccountant.Epsilon([.. Enumerable.Repeat(round, 40)], 1e-5), 9);
    }

    [Fact]
    public void Epsilon_MixedRounds_AddTheirRdp()
    {
        var subsampled = new DdgRound(0.1, 2.0, DdgDiscreteness.None);
        var full = new DdgRound(1, 4.0, DdgDiscreteness.None);
        double[] a = DdgAccountant.RoundRdp(subsampled, DdgAccountant.DefaultOrders);
        double[] b = DdgAccountant.RoundRdp(full, DdgAccountant.DefaultOrders);
        double expected = DdgAccountant.DefaultOrders.Select((alpha, i) => (3 * a[i]) + b[i] - ((Math.Log(1e-5) + Math.Log(alpha)) / (alpha - 1)) + Math.Log((alpha - 1) / alpha)).Min();

        Assert.Equal(expected, DdgAccountant.Epsilon([subsampled, full, subsampled, subsampled], 1e-5), 9);
    }

    [Theory]
    [InlineData(-0.1, 1.0, 0.0)]
    [InlineData(1.1, 1.0, 0.0)]
    [InlineData(0.5, 0.0, 0.0)]
    [InlineData(0.5, double.NaN, 0.0)]
    [InlineData(0.5, 1.0, -1.0)]
    [InlineData(0.5, 1.0, double.PositiveInfinity)]
    public void Epsilon_RoundOutOfRange_ThrowsNamingIt(double q, double sigma, double tau)
    {
        Assert.Throws<ArgumentOutOfRangeException>("round", () => DdgAccountant.Epsilon(new DdgRound(q, sigma, new DdgDiscreteness(tau, 10, 1)), 1, 1e-5));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Epsilon_DeltaOutOfRange_ThrowsNamingIt(double delta)
    {
        Assert.Throws<ArgumentOutOfRangeException>("delta", () => DdgAccountant.Epsilon(new DdgRound(0.5, 1, DdgDiscreteness.None), 1, delta));
    }

    [Fact]
    public void Discreteness_SmallestAllowedNoise_IsNegligibleAndBoundsEveryRound()
    {
        DdgDiscreteness bound = DistributedNoise.Discreteness(1000, 10_000, 100_000);

        Assert.InRange(bound.Tau * bound.Dimension, 0, 1e-50);
        Assert.True(DistributedNoise.DiscretenessTau(4.5, 50_000) <= bound.Tau);
        Assert.Equal(100, bound.L1ToL2Ratio);
    }
}
