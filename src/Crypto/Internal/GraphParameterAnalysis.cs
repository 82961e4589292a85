namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The SecAgg+ parameter analysis (Bell et al., CCS 2020, §3 and §4, in the form of Google's production
/// parameter finder, <c>fcp/secagg/server/graph_parameter_finder.cc</c>): for n clients of which a fraction γ
/// may be corrupted and a fraction δ may drop out, the smallest even Harary degree k and a Shamir threshold t
/// such that, except with probability 2^−σ (security) or 2^−η (correctness):
/// <list type="number">
/// <item>the graph of honest surviving clients stays connected (two separated runs of k/2 bad nodes are
/// needed to cut a Harary ring): n(n − k − 1)/2 · (B)_k / (n)_k &lt; 2^−(σ+1), B = ⌊γn⌋ + ⌊δn⌋;</item>
/// <item>no client has t or more corrupted neighbours: P[Hyp(n, ⌊γn⌋, k) ≥ t_sec] &lt; 2^−(σ+1) / n;
/// in active mode the server must not get both shares of one client through honest neighbours either,
/// so t = ⌊(k + t_sec − 1) / 2⌋ + 1, i.e. 2t &gt; k + (corrupted neighbours);</item>
/// <item>every client keeps at least t surviving neighbours: t ≤ t_max, the largest t with
/// P[Hyp(n, ⌈(1 − δ)n⌉, k) ≤ t − 1] &lt; 2^−η / n.</item>
/// </list>
/// </summary>
internal static class GraphParameterAnalysis
{
    public static double CorruptedCount(int n, double corruptedFraction) => Math.Floor(corruptedFraction * n);

    /// <summary>Condition 1: the Harary graph of degree k survives the removal of ⌊γn⌋ + ⌊δn⌋ nodes.</summary>
    public static bool IsConnectedWhp(int n, int k, double corruptedFraction, double dropoutRate, int securityBits)
    {
        int bad = (int)(Math.Floor(corruptedFraction * n) + Math.Floor(dropoutRate * n));
        if (k > bad)
        {
            return true;
        }

        double logProbability = Math.Log(n * (double)(n - k - 1) / 2);
        for (int i = 0; i < k; i++)
        {
            logProbability += Math.Log((double)(bad - i) / (n - i));
        }

        return logProbability < -(securityBits + 1) * Math.Log(2);
    }

    /// <summary>Condition 2: the smallest threshold that no client's corrupted neighbours reach, by mode.</summary>
    public static int MinimumThreshold(int n, int k, double corruptedFraction, bool active, int securityBits)
    {
        int corrupted = (int)CorruptedCount(n, corruptedFraction);
        double target = Math.Pow(2, -(securityBits + 1)) / n;
        int secure = k + 1;
        for (int t = 0; t <= k + 1; t++)
        {
            if (UpperTail(n, corrupted, k, t) < target)
            {
                secure = t;
                break;
            }
        }

        int threshold = active ? ((k + secure - 1) / 2) + 1 : secure;
        return Math.Max(threshold, Math.Min(2, k));
    }

    /// <summary>Condition 3: the largest threshold that every client's surviving neighbours still reach.</summary>
    public static int MaximumThreshold(int n, int k, double dropoutRate, int correctnessBits)
    {
        int survivors = (int)Math.Ceiling((1 - dropoutRate) * n);
        double target = Math.Pow(2, -correctnessBits) / n;
        int maximum = 0;
        double lowerTail = 0;
        for (int t = 1; t <= k; t++)
        {
            lowerTail += Probability(n, survivors, k, t - 1);
            if (!(lowerTail < target))
            {
                break;
            }

            maximum = t;
        }

        return maximum;
    }

    /// <summary>The smallest even k (and its minimum t) meeting all three conditions, or null if none below n − 1 does.</summary>
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

    /// <summary>P[X ≥ t] for X ~ Hypergeometric(population N, successes K, draws k).</summary>
    private static double UpperTail(int population, int successes, int draws, int t)
    {
        double sum = 0;
        for (int x = Math.Max(t, 0); x <= Math.Min(draws, successes); x++)
        {
            sum += Probability(population, successes, draws, x);
        }

        return sum;
    }

    private static double Probability(int population, int successes, int draws, int x)
    {
        if (x < 0 || x > draws || x > successes || draws - x > population - successes)
        {
            return 0;
        }

        return Math.Exp(LogBinomial(successes, x) + LogBinomial(population - successes, draws - x) - LogBinomial(population, draws));
    }

    private static double LogBinomial(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        // Stirling's series is accurate to double precision past 20; below, the exact product.
        if (n < 20)
        {
            double product = 1;
            for (int i = 2; i <= n; i++)
            {
                product *= i;
            }

            return Math.Log(product);
        }

        double x = n + 1.0;
        return ((x - 0.5) * Math.Log(x)) - x + (0.5 * Math.Log(2 * Math.PI)) + (1 / (12 * x)) - (1 / (360 * x * x * x)) + (1 / (1260 * Math.Pow(x, 5)));
    }
}
