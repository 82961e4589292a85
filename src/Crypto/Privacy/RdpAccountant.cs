namespace PrivateFl.Crypto.Privacy;

/// <summary>
/// Rényi-DP accounting of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar and Zhang 2019,
/// "Rényi Differential Privacy of the Sampled Gaussian Mechanism"), composed over rounds and converted to
/// (ε, δ) with the conversion of Balle et al. 2020 (as stated in Canonne, Kamath and Steinke 2020, Prop. 12)
/// (specs/privacy.md, "Accounting").
/// </summary>
/// <remarks>
/// The mechanism: each round, every record is included independently with probability q, and the sum of the
/// included records' contributions (each of L2 norm ≤ Δ) gets Gaussian noise of standard deviation σΔ. Its
/// RDP at order α is log(A_α)/(α − 1) with A_α = E_{z∼N(0,σ²)}[((1 − q) + q·e^{(2z − 1)/(2σ²)})^α], evaluated in
/// closed form for integer α and by the convergent series of MTZ19 §3.3 for fractional α. This analysis is exact for
/// continuous Gaussian noise; sessions are accounted with <see cref="DdgAccountant"/>, which covers the distributed
/// discrete Gaussian they run and equals this accountant at q = 1. This class remains the reference it is tested against.
/// </remarks>
public static class RdpAccountant
{
    private static readonly double[] Orders = BuildOrders();

    /// <summary>Gets the orders α the accountant optimises over: 1.1 to 10.9 by 0.1, 11 to 63, 64, 128, 256, 512.</summary>
    public static IReadOnlyList<double> DefaultOrders => Orders;

    /// <summary>The RDP of one round at each order.</summary>
    /// <param name="samplingRate">q in [0, 1].</param>
    /// <param name="noiseMultiplier">σ, the noise's standard deviation over the sensitivity; positive.</param>
    /// <param name="orders">The orders α &gt; 1.</param>
    /// <returns>ε_RDP(α) for each order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">q or σ is out of range.</exception>
    public static double[] RoundRdp(double samplingRate, double noiseMultiplier, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        Validate(samplingRate, noiseMultiplier);
        double[] rdp = new double[orders.Count];
        for (int i = 0; i < rdp.Length; i++)
        {
            rdp[i] = Rdp(samplingRate, noiseMultiplier, orders[i]);
        }

        return rdp;
    }

    /// <summary>ε of <paramref name="rounds"/> rounds at the given δ, optimised over <see cref="DefaultOrders"/>.</summary>
    /// <param name="samplingRate">q in [0, 1].</param>
    /// <param name="noiseMultiplier">σ; positive.</param>
    /// <param name="rounds">How many rounds compose; 0 gives 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>The smallest ε the orders give.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static double Epsilon(double samplingRate, double noiseMultiplier, int rounds, double delta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }

        Validate(samplingRate, noiseMultiplier);
        if (rounds == 0 || samplingRate == 0)
        {
            return 0;
        }

        double best = double.PositiveInfinity;
        foreach (double alpha in Orders)
        {
            double rdp = rounds * Rdp(samplingRate, noiseMultiplier, alpha);
            double epsilon = rdp - ((Math.Log(delta) + Math.Log(alpha)) / (alpha - 1)) + Math.Log((alpha - 1) / alpha);
            best = Math.Min(best, epsilon);
        }

        return Math.Max(0, best);
    }

    /// <summary>ε of a sequence of rounds with their own (q, σ), composed by adding their RDP at every order.</summary>
    /// <param name="rounds">Each round's sampling rate q and noise multiplier σ.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>The smallest ε the orders give; 0 for no rounds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static double Epsilon(IReadOnlyList<(double SamplingRate, double NoiseMultiplier)> rounds, double delta)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }

        if (rounds.Count == 0)
        {
            return 0;
        }

        double[] total = new double[Orders.Length];
        foreach ((double q, double sigma) in rounds)
        {
            double[] rdp = RoundRdp(q, sigma, Orders);
            for (int i = 0; i < total.Length; i++)
            {
                total[i] += rdp[i];
            }
        }

        double best = double.PositiveInfinity;
        for (int i = 0; i < Orders.Length; i++)
        {
            double alpha = Orders[i];
            best = Math.Min(best, total[i] - ((Math.Log(delta) + Math.Log(alpha)) / (alpha - 1)) + Math.Log((alpha - 1) / alpha));
        }

        return Math.Max(0, best);
    }

    /// <summary>
    /// The smallest noise multiplier σ (to within 1% in ε) whose ε after <paramref name="rounds"/> rounds is at most
    /// <paramref name="targetEpsilon"/>: the result's ε is in [0.99·target, target].
    /// </summary>
    /// <param name="samplingRate">q in (0, 1].</param>
    /// <param name="rounds">Rounds planned; at least 1.</param>
    /// <param name="targetEpsilon">The ε budget; positive.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>σ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or no σ up to 10^6 meets the target.</exception>
    public static double CalibrateNoise(double samplingRate, int rounds, double targetEpsilon, double delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (!double.IsFinite(targetEpsilon) || targetEpsilon <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, "The target ε must be positive and finite.");
        }

        double low = 1e-2;
        double high = 1;
        while (Epsilon(samplingRate, high, rounds, delta) > targetEpsilon)
        {
            low = high;
            high *= 2;
            if (high > 1e6)
            {
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, $"No noise multiplier up to 10^6 reaches ε = {targetEpsilon} in {rounds} rounds at q = {samplingRate}, δ = {delta}.");
            }
        }

        // ε decreases in σ: bisect until the feasible end is within 1% of the target.
        for (int i = 0; i < 200; i++)
        {
            double epsilon = Epsilon(samplingRate, high, rounds, delta);
            if (epsilon >= 0.99 * targetEpsilon)
            {
                break;
            }

            double middle = (low + high) / 2;
            if (Epsilon(samplingRate, middle, rounds, delta) > targetEpsilon)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    private static void Validate(double samplingRate, double noiseMultiplier)
    {
        if (!(samplingRate >= 0 && samplingRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate q must be in [0, 1].");
        }

        if (!double.IsFinite(noiseMultiplier) || noiseMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "The noise multiplier σ must be positive and finite.");
        }
    }

    private static double Rdp(double q, double sigma, double alpha)
    {
        if (q == 0)
        {
            return 0;
        }

        if (q == 1)
        {
            return alpha / (2 * sigma * sigma);
        }

        double logA = Math.Abs(alpha - Math.Round(alpha)) < 1e-12 ? LogAInteger(q, sigma, (int)Math.Round(alpha)) : LogAFractional(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /// <summary>log A_α for integer α: Σ_i C(α, i) q^i (1 − q)^(α−i) e^{(i² − i)/(2σ²)}.</summary>
    private static double LogAInteger(double q, double sigma, int alpha)
    {
        double logA = double.NegativeInfinity;
        for (int i = 0; i <= alpha; i++)
        {
            double term = LogBinomial(alpha, i) + (i * Math.Log(q)) + ((alpha - i) * Math.Log(1 - q)) + (((double)i * i) - i) / (2 * sigma * sigma);
            logA = LogAdd(logA, term);
        }

        return logA;
    }

    /// <summary>log A_α for fractional α by the two-sided series of MTZ19 §3.3, summed until its terms fall below e^−30.</summary>
    private static double LogAFractional(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity;
        double logA1 = double.NegativeInfinity;
        double z0 = (sigma * sigma * Math.Log((1 / q) - 1)) + 0.5;
        double logCoefficient = 0; // log |C(α, 0)|
        double sign = 1;
        for (int i = 0; ; i++)
        {
            if (i > 0)
            {
                double factor = (alpha - (i - 1)) / i; // C(α, i) = C(α, i − 1)·(α − i + 1)/i
                logCoefficient += Math.Log(Math.Abs(factor));
                sign *= Math.Sign(factor);
            }

            double j = alpha - i;
            double logT0 = logCoefficient + (i * Math.Log(q)) + (j * Math.Log(1 - q));
            double logT1 = logCoefficient + (j * Math.Log(q)) + (i * Math.Log(1 - q));
            double logE0 = Math.Log(0.5) + LogErfc((i - z0) / (Math.Sqrt(2) * sigma));
            double logE1 = Math.Log(0.5) + LogErfc((z0 - j) / (Math.Sqrt(2) * sigma));
            double logS0 = logT0 + ((((double)i * i) - i) / (2 * sigma * sigma)) + logE0;
            double logS1 = logT1 + (((j * j) - j) / (2 * sigma * sigma)) + logE1;
            if (sign > 0)
            {
                logA0 = LogAdd(logA0, logS0);
                logA1 = LogAdd(logA1, logS1);
            }
            else
            {
                logA0 = LogSubtract(logA0, logS0);
                logA1 = LogSubtract(logA1, logS1);
            }

            if (Math.Max(logS0, logS1) < -30 || i > 100_000)
            {
                break;
            }
        }

        return LogAdd(logA0, logA1);
    }

    private static double LogBinomial(int n, int k) => LogGamma(n + 1) - LogGamma(k + 1) - LogGamma(n - k + 1);

    private static double LogGamma(double x)
    {
        // Lanczos approximation (g = 7, n = 9), accurate to about 15 digits for x > 0.
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double a = coefficients[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++)
        {
            a += coefficients[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    /// <summary>log erfc(x), with the asymptotic series where erfc underflows.</summary>
    private static double LogErfc(double x)
    {
        if (x < 5)
        {
            return Math.Log(Erfc(x));
        }

        double x2 = x * x;
        double series = 1 - (1 / (2 * x2)) + (3 / (4 * x2 * x2)) - (15 / (8 * x2 * x2 * x2)) + (105 / (16 * x2 * x2 * x2 * x2));
        return -x2 - Math.Log(x * Math.Sqrt(Math.PI)) + Math.Log(series);
    }

    /// <summary>erfc by the Chebyshev fit of Numerical Recipes (erfcc): relative error below 1.2·10^−7 everywhere.</summary>
    /// <remarks>It feeds only the fractional-order series, which the accountant needs to 1% in ε.</remarks>
    private static double Erfc(double x)
    {
        ReadOnlySpan<double> c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double polynomial = 0;
        for (int i = c.Length - 1; i >= 0; i--)
        {
            polynomial = (polynomial * t) + c[i];
        }

        double r = t * Math.Exp(-(z * z) + polynomial);
        return x >= 0 ? r : 2 - r;
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    private static double LogSubtract(double a, double b)
    {
        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        if (b >= a)
        {
            // The series' partial sums stay positive in exact arithmetic; rounding can only make them tiny.
            return double.NegativeInfinity;
        }

        return a + Math.Log(1 - Math.Exp(b - a));
    }

    private static double[] BuildOrders()
    {
        var orders = new List<double>();
        for (int x = 11; x < 110; x++)
        {
            orders.Add(x / 10.0);
        }

        for (int x = 11; x < 64; x++)
        {
            orders.Add(x);
        }

        orders.AddRange([64, 128, 256, 512]);
        return [.. orders];
    }
}
