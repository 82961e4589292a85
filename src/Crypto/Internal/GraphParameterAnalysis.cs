namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The SecAgg+ parameter analysis (Bell et al., CCS 2020, §3 and §4), computed exactly as Google's production
/// parameter finder <c>HararyGraphParameterFinder</c> (<c>fcp/secagg/server/graph_parameter_finder.cc</c> in
/// google-parfait/federated-compute) computes it, and pinned to every row of its test table
/// (specs/protocol.md §2.3). For n clients of which a fraction γ may be corrupted and a fraction δ may drop out,
/// the smallest even Harary degree k and a Shamir threshold t such that, except with probability 2^−σ (security)
/// or 2^−η (correctness):
/// <list type="number">
/// <item>the graph of honest surviving clients stays connected (two separated runs of k/2 bad nodes are
/// needed to cut a Harary ring): n(n − k − 1)/2 · (B)_k / (n)_k &lt; 2^−(σ+1), B = C + D;</item>
/// <item>no client has t or more corrupted neighbours: t_sec is the smallest t with
/// P[Hyp(n, C, k) ≥ t] &lt; 2^−(σ+1) / n; in active mode the server must not get both shares of one client
/// through honest neighbours either, so t_min = ⌊(k + t_sec − 1) / 2⌋ + 1, i.e. 2t &gt; k + (corrupted neighbours);</item>
/// <item>every client keeps at least t surviving neighbours: t ≤ t_max, the smallest x with
/// P[Hyp(n, S, k) ≤ x] ≥ 2^−η / n.</item>
/// </list>
/// Here C = ⌊(γ + 10^−14)·n⌋, D = ⌊(δ + 10^−14)·n⌋ and S = ⌈((1 − δ) − 10^−14)·n⌉, each operation in binary64.
/// </summary>
internal static class GraphParameterAnalysis
{
    /// <summary>
    /// 10^−14, added before rounding γn and δn down and subtracted before rounding (1 − δ)n up, as the reference's
    /// <c>kSmall</c>: a decimal rate such as 0.57 is stored as 0.569999…, and without the guard ⌊0.57 · 100⌋ = 56
    /// would under-count the corrupted clients. The guard moves every count in the conservative direction.
    /// </summary>
    public const double RoundingGuard = 1e-14;

    /// <summary>C = ⌊(γ + 10^−14)·n⌋, clamped to [0, n]: how many clients the analysis assumes corrupted.</summary>
    public static int CorruptedCount(int n, double corruptedFraction) =>
        (int)Math.Clamp(Math.Floor((corruptedFraction + RoundingGuard) * n), 0, n);

    /// <summary>D = ⌊(δ + 10^−14)·n⌋, clamped to [0, n]: how many clients the analysis assumes dropped.</summary>
    public static int DropoutCount(int n, double dropoutRate) =>
        (int)Math.Clamp(Math.Floor((dropoutRate + RoundingGuard) * n), 0, n);

    /// <summary>S = ⌈((1 − δ) − 10^−14)·n⌉, clamped to [0, n]: how many clients the analysis assumes survive.</summary>
    public static int SurvivorCount(int n, double dropoutRate) =>
        (int)Math.Clamp(Math.Ceiling((1 - dropoutRate - RoundingGuard) * n), 0, n);

    /// <summary>Condition 1: the Harary graph of degree k survives the removal of C + D nodes.</summary>
    public static bool IsConnectedWhp(int n, int k, double corruptedFraction, double dropoutRate, int securityBits)
    {
        int bad = Math.Min(n, CorruptedCount(n, corruptedFraction) + DropoutCount(n, dropoutRate));
        if (k > bad)
        {
            return true;
        }

        // ln(n(n − k − 1)/2) + ln(B! (n − k)! / (n! (B − k)!)).
        double logProbability = Math.Log(n) + Math.Log(n - k - 1) - Math.Log(2)
            + LogFactorial(bad) + LogFactorial(n - k) - LogFactorial(n) - LogFactorial(bad - k);
        return logProbability < -(securityBits + 1) * Math.Log(2);
    }

    /// <summary>t_sec: the smallest t with P[Hyp(n, C, k) ≥ t] &lt; 2^−(σ+1) / n.</summary>
    public static int SecureThreshold(int n, int k, double corruptedFraction, int securityBits) =>
        HypergeometricTails.SmallestUpperTailBelow(n, CorruptedCount(n, corruptedFraction), k, Math.Pow(2, -(securityBits + 1)) / n);

    /// <summary>Condition 2: the smallest threshold no client's corrupted neighbours (or, active, a lying server) reach, before the t ≥ 2 clamp.</summary>
    public static int UnclampedMinimumThreshold(int n, int k, double corruptedFraction, bool active, int securityBits)
    {
        int secure = SecureThreshold(n, k, corruptedFraction, securityBits);
        return active ? ((k + secure - 1) / 2) + 1 : secure;
    }

    /// <summary>Condition 2 with the clamp t ≥ 2 (a 1-of-k sharing is the secret itself).</summary>
    public static int MinimumThreshold(int n, int k, double corruptedFraction, bool active, int securityBits) =>
        Math.Max(UnclampedMinimumThreshold(n, k, corruptedFraction, active, securityBits), 2);

    /// <summary>Condition 3: t_max, the largest threshold that every client's surviving neighbours still reach.</summary>
    public static int MaximumThreshold(int n, int k, double dropoutRate, int correctnessBits) =>
        HypergeometricTails.SmallestLowerTailAtLeast(n, SurvivorCount(n, dropoutRate), k, Math.Pow(2, -correctnessBits) / n);

    /// <summary>
    /// The smallest even k in 2, 4, … below n − 1 meeting all three conditions, with its clamped minimum t, or null
    /// if none does. Feasibility is max(t_min, 2) ≤ t_max: the reference tests t_min ≤ t_max before clamping, which
    /// accepts t = 2 with t_max = 1 (a client may keep a single surviving neighbour); this is the one place where
    /// the result is deliberately more conservative than the reference (specs/protocol.md §2.3).
    /// </summary>
    public static (int Degree, int Threshold)? FindHarary(int n, double corruptedFraction, double dropoutRate, bool active, int securityBits, int correctnessBits)
    {
        for (int k = 2; k < n - 1; k += 2)
        {
            if (!IsConnectedWhp(n, k, corruptedFraction, dropoutRate, securityBits))
            {
                continue;
            }

            int threshold = MinimumThreshold(n, k, corruptedFraction, active, securityBits);
            if (threshold <= MaximumThreshold(n, k, dropoutRate, correctnessBits))
            {
                return (k, threshold);
            }
        }

        return null;
    }

    /// <summary>ln(m!), exact product below 20, Stirling's series (error below 10^−15 relative) above.</summary>
    internal static double LogFactorial(int m)
    {
        if (m < 20)
        {
            double product = 1;
            for (int i = 2; i <= m; i++)
            {
                product *= i;
            }

            return Math.Log(product);
        }

        double x = m + 1.0;
        double inverse = 1 / x;
        double inverseSquare = inverse * inverse;
        return ((x - 0.5) * Math.Log(x)) - x + (0.5 * Math.Log(2 * Math.PI))
            + (inverse * ((1.0 / 12) - (inverseSquare * ((1.0 / 360) - (inverseSquare * ((1.0 / 1260) - (inverseSquare / 1680)))))));
    }
}
