namespace PrivateFl.Crypto.Privacy;

/// <summary>
/// Rényi-DP accounting of the distributed discrete Gaussian mechanism as PrivateFl runs it (specs/privacy.md §3): the
/// RDP bound of Kairouz, Liu and Steinke (ICML 2021, Prop. 14) for a sum of discrete Gaussians, amplified by Poisson
/// subsampling with the bound of Zhu and Wang (ICML 2019, Thm. 5), which holds for any mechanism; composed over rounds
/// and converted to (ε, δ) as <see cref="RdpAccountant"/> does (Canonne, Kamath and Steinke 2020, Prop. 12). This is the
/// analysis of google-research/federated <c>distributed_dp/accounting_utils.py</c> (<c>compute_rdp_dgaussian</c>).
/// </summary>
/// <remarks>
/// Both ledgers (the server's budget and every bank's own) use this class. The subsampled-Gaussian analysis of
/// Mironov, Talwar and Zhang (<see cref="RdpAccountant"/>) is exact for continuous Gaussian noise only; nothing
/// published carries it over to a sum of vector discrete Gaussians, so for q &lt; 1 this accountant takes the general
/// (looser) amplification bound. At q = 1 there is nothing to amplify and, with τ negligible (σ_c ≥ 4), it returns
/// exactly the figures of <see cref="RdpAccountant"/>.
/// </remarks>
public static class DdgAccountant
{
    /// <summary>The accountant's name as recorded with every model version.</summary>
    public const string Name = "RDP of the distributed discrete Gaussian (Kairouz, Liu, Steinke 2021, Prop. 14), Poisson subsampling by Zhu and Wang 2019 Thm. 5, conversion of Canonne, Kamath, Steinke 2020 Prop. 12";

    /// <summary>Gets the orders α the accountant optimises over, those of <see cref="RdpAccountant.DefaultOrders"/>.</summary>
    /// <remarks>For q &lt; 1 the amplification bound exists at integer orders only; fractional orders then carry the unamplified RDP, which is still valid.</remarks>
    public static IReadOnlyList<double> DefaultOrders => RdpAccountant.DefaultOrders;

    /// <summary>The RDP of one round at each order.</summary>
    /// <param name="round">The round.</param>
    /// <param name="orders">The orders α &gt; 1.</param>
    /// <returns>ε_RDP(α) for each order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter of the round, or an order, is out of range.</exception>
    public static double[] RoundRdp(DdgRound round, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        Validate(round);
        double[] rdp = new double[orders.Count];
        double[]? baseRdp = null;
        for (int i = 0; i < rdp.Length; i++)
        {
            double alpha = orders[i];
            if (!(alpha > 1) || double.IsPositiveInfinity(alpha))
            {
                throw new ArgumentOutOfRangeException(nameof(orders), alpha, "Every order α must be finite and greater than 1.");
            }

            if (round.SamplingRate == 0)
            {
                rdp[i] = 0;
            }
            else if (round.SamplingRate == 1 || !IsInteger(alpha))
            {
                rdp[i] = BaseRdp(alpha, round.NoiseMultiplier, round.Discreteness);
            }
            else
            {
                baseRdp ??= BaseRdpTable(orders, round);
                rdp[i] = Math.Min(SubsampledRdp((int)alpha, round.SamplingRate, baseRdp), baseRdp[(int)alpha]);
            }
        }

        return rdp;
    }

    /// <summary>ε of <paramref name="rounds"/> identical rounds at the given δ, optimised over <see cref="DefaultOrders"/>.</summary>
    /// <param name="round">The round.</param>
    /// <param name="rounds">How many rounds compose; 0 gives 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>The smallest ε the orders give.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static double Epsilon(DdgRound round, int rounds, double delta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        ValidateDelta(delta);
        Validate(round);
        if (rounds == 0 || round.SamplingRate == 0)
        {
            return 0;
        }

        double[] rdp = RoundRdp(round, DefaultOrders);
        for (int i = 0; i < rdp.Length; i++)
        {
            rdp[i] = rounds * rdp[i];
        }

        return Convert(rdp, delta);
    }

    /// <summary>ε of a sequence of rounds, each with its own parameters, composed by adding their RDP at every order.</summary>
    /// <param name="rounds">The rounds.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>The smallest ε the orders give; 0 for no rounds.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public static double Epsilon(IReadOnlyList<DdgRound> rounds, double delta)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ValidateDelta(delta);
        if (rounds.Count == 0)
        {
            return 0;
        }

        double[] total = new double[DefaultOrders.Count];
        foreach (IGrouping<DdgRound, DdgRound> group in rounds.GroupBy(r => r))
        {
            // Identical rounds are evaluated once: a ledger of a long session repeats the same parameters.
            double[] rdp = RoundRdp(group.Key, DefaultOrders);
            int count = group.Count();
            for (int i = 0; i < total.Length; i++)
            {
                for (int k = 0; k < count; k++)
                {
                    total[i] += rdp[i];
                }
            }
        }

        return Convert(total, delta);
    }

    /// <summary>
    /// The smallest noise multiplier σ (to within 1% in ε) whose ε after <paramref name="rounds"/> rounds is at most
    /// <paramref name="targetEpsilon"/>: the result's ε is in [0.99·target, target].
    /// </summary>
    /// <param name="samplingRate">q in (0, 1].</param>
    /// <param name="discreteness">The rounds' τ, d and Δ₁/Δ₂, which must not depend on σ (a bound such as <see cref="DistributedNoise.Discreteness"/>).</param>
    /// <param name="rounds">Rounds planned; at least 1.</param>
    /// <param name="targetEpsilon">The ε budget; positive.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>σ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or no σ up to 10^6 meets the target.</exception>
    public static double CalibrateNoise(double samplingRate, DdgDiscreteness discreteness, int rounds, double targetEpsilon, double delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (!double.IsFinite(targetEpsilon) || targetEpsilon <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, "The target ε must be positive and finite.");
        }

        double EpsilonAt(double sigma) => Epsilon(new DdgRound(samplingRate, sigma, discreteness), rounds, delta);
        double low = 1e-2;
        double high = 1;
        while (EpsilonAt(high) > targetEpsilon)
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
            if (EpsilonAt(high) >= 0.99 * targetEpsilon)
            {
                break;
            }

            double middle = (low + high) / 2;
            if (EpsilonAt(middle) > targetEpsilon)
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

    /// <summary>
    /// KLS21 Prop. 14 with s₂ = 1/σ and s₁ = (Δ₁/Δ₂)/σ: min(α s₂²/2 + τd, α(s₂² + 2s₁τ + τ²d)/2, α(s₂ + √d·τ)²/2).
    /// </summary>
    internal static double BaseRdp(double alpha, double sigma, DdgDiscreteness discreteness)
    {
        // Every term is at least the Gaussian's α/(2σ²); taking that as a floor keeps q = 1 figures bit-identical to
        // RdpAccountant when τ is negligible, rather than one rounding below them.
        double gaussian = alpha / (2 * sigma * sigma);
        double tau = discreteness.Tau;
        if (tau == 0)
        {
            return gaussian;
        }

        int d = discreteness.Dimension;
        double first = gaussian + (tau * d);
        double second = gaussian + (alpha * discreteness.L1ToL2Ratio / sigma * tau) + (alpha / 2 * tau * tau * d);
        double root = (1 / sigma) + (Math.Sqrt(d) * tau);
        double third = alpha / 2 * root * root;
        return Math.Max(gaussian, Math.Min(first, Math.Min(second, third)));
    }

    /// <summary>
    /// ZW19 Thm. 5: (1/(α−1))·log[(1−q)^{α−1}(αq − q + 1) + C(α,2)q²(1−q)^{α−2}e^{ε(2)} + 3 Σ_{l=3}^{α} C(α,l)(1−q)^{α−l}q^l e^{(l−1)ε(l)}],
    /// summed in the log domain.
    /// </summary>
    internal static double SubsampledRdp(int alpha, double q, ReadOnlySpan<double> baseRdp)
    {
        double logQ = Math.Log(q);
        double log1MinusQ = double.LogP1(-q);
        double logSum = ((alpha - 1) * log1MinusQ) + Math.Log(1 + ((alpha - 1) * q));
        double logBinomial = Math.Log(alpha); // log C(α, 1)
        for (int l = 2; l <= alpha; l++)
        {
            logBinomial += Math.Log(alpha - l + 1) - Math.Log(l);
            double term = logBinomial + ((alpha - l) * log1MinusQ) + (l * logQ) + ((l - 1) * baseRdp[l]);
            if (l >= 3)
            {
                term += Math.Log(3);
            }

            logSum = LogAdd(logSum, term);
        }

        return logSum / (alpha - 1);
    }

    private static double[] BaseRdpTable(IReadOnlyList<double> orders, DdgRound round)
    {
        int largest = (int)orders.Where(IsInteger).Max();
        double[] table = new double[largest + 1];
        for (int l = 2; l <= largest; l++)
        {
            table[l] = BaseRdp(l, round.NoiseMultiplier, round.Discreteness);
        }

        return table;
    }

    private static double Convert(double[] rdp, double delta)
    {
        IReadOnlyList<double> orders = DefaultOrders;
        double best = double.PositiveInfinity;
        for (int i = 0; i < rdp.Length; i++)
        {
            double alpha = orders[i];
            best = Math.Min(best, rdp[i] - ((Math.Log(delta) + Math.Log(alpha)) / (alpha - 1)) + Math.Log((alpha - 1) / alpha));
        }

        return Math.Max(0, best);
    }

    private static bool IsInteger(double alpha) => alpha >= 2 && alpha <= 1 << 20 && alpha == Math.Floor(alpha);

    private static void Validate(DdgRound round)
    {
        if (!(round.SamplingRate >= 0 && round.SamplingRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(round), round.SamplingRate, "The sampling rate q must be in [0, 1].");
        }

        if (!double.IsFinite(round.NoiseMultiplier) || round.NoiseMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(round), round.NoiseMultiplier, "The noise multiplier σ must be positive and finite.");
        }

        DdgDiscreteness discreteness = round.Discreteness;
        if (!(discreteness.Tau >= 0) || !double.IsFinite(discreteness.Tau) || discreteness.Dimension < 0 || !(discreteness.L1ToL2Ratio >= 0) || !double.IsFinite(discreteness.L1ToL2Ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(round), discreteness, "τ and Δ₁/Δ₂ must be finite and non-negative, and d non-negative.");
        }
    }

    private static void ValidateDelta(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }
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
}
