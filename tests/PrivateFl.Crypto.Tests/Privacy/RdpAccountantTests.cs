using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Crypto.Tests.Privacy;

public sealed class RdpAccountantTests
{
    // Pins computed independently: A_α by numerical integration of its definition (mpmath, 40 digits), not by the
    // series the accountant uses, then the same order grid and (ε, δ) conversion.
    [Theory]
    [InlineData(1.0, 2.0, 10, 1e-5, 8.079406222)]
    [InlineData(0.01, 1.1, 1000, 1e-5, 1.711770091)]
    [InlineData(0.1, 4.0, 50, 1e-5, 0.7576790645)]
    [InlineData(0.02, 0.8, 100, 1e-6, 3.908679976)]
    public void Epsilon_ReferenceSettings_WithinOnePercentOfIndependentValue(double q, double sigma, int rounds, double delta, double expected)
    {
        double epsilon = RdpAccountant.Epsilon(q, sigma, rounds, delta);

        Assert.InRange(epsilon, expected * 0.99, expected * 1.01);
    }

    [Theory]
    [InlineData(0.01, 1.1, 2.0, 0.000128510081605)]
    [InlineData(0.01, 1.1, 2.5, 0.00016207740937)]
    [InlineData(0.1, 4.0, 32.0, 0.0127202234469)]
    [InlineData(0.1, 4.0, 10.5, 0.00356626732394)]
    [InlineData(0.02, 0.8, 3.3, 0.00309224048259)]
    public void RoundRdp_IntegerAndFractionalOrders_MatchNumericalIntegration(double q, double sigma, double alpha, double expected)
    {
        double rdp = RdpAccountant.RoundRdp(q, sigma, [alpha])[0];

        Assert.InRange(rdp, expected * 0.999, expected * 1.001);
    }

    [Fact]
    public void RoundRdp_DpSgdMnistSetting_ReproducesThePublishedEpsilonWithTheClassicConversion()
    {
        // The DP-SGD MNIST setting of TensorFlow Privacy's tutorial: N = 60,000, batch 256 (q = 256/60000), σ = 1.1,
        // 60 epochs (14,063 steps), δ = 10^-5, reported as ε ≈ 3.01 with the classic RDP conversion
        // ε = min_α T·RDP(α) + log(1/δ)/(α − 1) over integer orders (optimum α = 9; 3.0092 by our independent
        // 30-digit evaluation of the binomial sum).
        const double q = 256.0 / 60000;
        const int Steps = 14063;
        double[] orders = [.. Enumerable.Range(5, 59).Select(a => (double)a)];
        double[] rdp = RdpAccountant.RoundRdp(q, 1.1, orders);

        double epsilon = orders.Select((a, i) => (Steps * rdp[i]) + (Math.Log(1 / 1e-5) / (a - 1))).Min();

        Assert.InRange(epsilon, 3.01 * 0.99, 3.01 * 1.01);
    }

    [Property(MaxTest = 100)]
    public bool Epsilon_FullBatch_EqualsGaussianClosedForm(PositiveInt roundChoice, PositiveInt sigmaChoice)
    {
        // q = 1: RDP(α) = T·α/(2σ²) exactly; the accountant must give the conversion's minimum over its orders.
        int rounds = 1 + (roundChoice.Get % 200);
        double sigma = 0.5 + (sigmaChoice.Get % 1000 / 50.0);
        double closedForm = RdpAccountant.DefaultOrders.Min(a => (rounds * a / (2 * sigma * sigma)) - ((Math.Log(1e-5) + Math.Log(a)) / (a - 1)) + Math.Log((a - 1) / a));

        return Math.Abs(RdpAccountant.Epsilon(1, sigma, rounds, 1e-5) - Math.Max(0, closedForm)) < 1e-9;
    }

    [Property(MaxTest = 100)]
    public bool Epsilon_GrowsWithRoundsAndSamplingRate_ShrinksWithNoise(PositiveInt roundChoice, PositiveInt qChoice, PositiveInt sigmaChoice)
    {
        int rounds = 1 + (roundChoice.Get % 300);
        double q = 0.001 + (qChoice.Get % 900 / 1000.0);
        double sigma = 0.6 + (sigmaChoice.Get % 500 / 50.0);
        double epsilon = RdpAccountant.Epsilon(q, sigma, rounds, 1e-5);

        return RdpAccountant.Epsilon(q, sigma, rounds + 1, 1e-5) >= epsilon
            && RdpAccountant.Epsilon(Math.Min(1, q * 1.1), sigma, rounds, 1e-5) >= epsilon
            && RdpAccountant.Epsilon(q, sigma * 1.1, rounds, 1e-5) <= epsilon;
    }

    [Property(MaxTest = 60)]
    public bool CalibrateNoise_AnyTarget_GivesEpsilonWithinOnePercentBelow(PositiveInt roundChoice, PositiveInt qChoice, PositiveInt targetChoice)
    {
        int rounds = 1 + (roundChoice.Get % 100);
        double q = qChoice.Get % 2 == 0 ? 1 : 0.01 + (qChoice.Get % 50 / 100.0);
        double target = 0.25 + (targetChoice.Get % 80 / 10.0);

        double sigma = RdpAccountant.CalibrateNoise(q, rounds, target, 1e-5);
        double epsilon = RdpAccountant.Epsilon(q, sigma, rounds, 1e-5);

        return epsilon <= target && epsilon >= 0.99 * target;
    }

    [Fact]
    public void Epsilon_HeterogeneousRounds_EqualsUniformWhenRoundsAreEqual()
    {
        (double, double)[] rounds = [.. Enumerable.Repeat((0.05, 1.5), 40)];

        Assert.Equal(RdpAccountant.Epsilon(0.05, 1.5, 40, 1e-5), RdpAccountant.Epsilon(rounds, 1e-5), 9);
    }

    [Theory]
    [InlineData(-0.1, 1.0)]
    [InlineData(1.1, 1.0)]
    public void Epsilon_SamplingRateOutOfRange_ThrowsNamingIt(double q, double sigma)
    {
        Assert.Throws<ArgumentOutOfRangeException>("samplingRate", () => RdpAccountant.Epsilon(q, sigma, 1, 1e-5));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    public void Epsilon_NoiseNotPositive_ThrowsNamingIt(double sigma)
    {
        Assert.Throws<ArgumentOutOfRangeException>("noiseMultiplier", () => RdpAccountant.Epsilon(0.5, sigma, 1, 1e-5));
    }
}
