namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The two tail quantiles of X ~ Hypergeometric(population N, marked K, draws k) that the SecAgg+ analysis needs
/// (specs/protocol.md §2.3), in binary64.
/// </summary>
/// <remarks>
/// The whole probability mass function is built by the ratio recurrence outwards from the mode, with the mode's
/// weight set to 1, and normalised by its sum; tails are then summed from their small end so that no small term
/// is lost against a large one. Terms below the binary64 range become 0, far below any target probability used
/// (at least 2^−129 / 2^20). The cost is O(k) per call.
/// </remarks>
internal static class HypergeometricTails
{
    /// <summary>The smallest t with P[X ≥ t] &lt; <paramref name="probability"/> (at most min(k, K) + 1).</summary>
    public static int SmallestUpperTailBelow(int population, int marked, int draws, double probability)
    {
        (int low, double[] pmf) = Masses(population, marked, draws);
        int high = low + pmf.Length - 1;
        double tail = 0;
        for (int x = high; x >= low; x--)
        {
            tail += pmf[x - low];
            if (!(tail < probability))
            {
                return x + 1;
            }
        }

        return low;
    }

    /// <summary>The smallest x with P[X ≤ x] ≥ <paramref name="probability"/>, i.e. one more than the largest x whose lower tail is below it.</summary>
    public static int SmallestLowerTailAtLeast(int population, int marked, int draws, double probability)
    {
        (int low, double[] pmf) = Masses(population, marked, draws);
        double cumulative = 0;
        for (int i = 0; i < pmf.Length; i++)
        {
            cumulative += pmf[i];
            if (!(cumulative < probability))
            {
                return low + i;
            }
        }

        return low + pmf.Length - 1;
    }

    private static (int Low, double[] Pmf) Masses(int population, int marked, int draws)
    {
        double n = population;
        double m = marked;
        double k = draws;
        int low = Math.Max(0, draws - (population - marked));
        int high = Math.Min(draws, marked);
        double[] pmf = new double[high - low + 1];
        int mode = Math.Clamp((int)Math.Floor((k + 1) * (m + 1) / (n + 2)), low, high);
        pmf[mode - low] = 1;
        for (int x = mode; x < high; x++)
        {
            // P(x + 1) / P(x) = (K − x)(k − x) / ((x + 1)(N − K − k + x + 1)).
            pmf[x + 1 - low] = pmf[x - low] * ((m - x) * (k - x)) / ((x + 1) * (n - m - k + x + 1));
        }

        for (int x = mode; x > low; x--)
        {
            // P(x − 1) / P(x) = x (N − K − k + x) / ((K − x + 1)(k − x + 1)).
            pmf[x - 1 - low] = pmf[x - low] * (x * (n - m - k + x)) / ((m - x + 1) * (k - x + 1));
        }

        double total = 0;
        foreach (double p in pmf.AsSpan()[(mode - low)..])
        {
            total += p;
        }

        for (int i = mode - low - 1; i >= 0; i--)
        {
            total += pmf[i];
        }

        for (int i = 0; i < pmf.Length; i++)
        {
            pmf[i] /= total;
        }

        return (low, pmf);
    }
}
