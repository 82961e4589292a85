using FsCheck;
using FsCheck.Fluent;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>FsCheck generators: 5–9 banks, a threshold from the mode's minimum (2, or ⌊(n − 1)/2⌋ + 1 when active) to n − 2, both modes, one or two split dealers with random split sets.</summary>
public static class SplitDealerScenarios
{
    public static Arbitrary<SplitDealerScenario> Scenarios() =>
        Arb.From(
            from n in Gen.Choose(5, 9)
            from mode in Gen.Elements(SecAggMode.SemiHonest, SecAggMode.Active)
            from t in Gen.Choose(mode == SecAggMode.Active ? ((n - 1) / 2) + 1 : 2, n - 2)
            from cheaters in Gen.Choose(1, 2)
            from forgery in Gen.Elements(Enum.GetValues<EvidenceForgery>())
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(n, t, mode, cheaters, forgery, seed));

    private static SplitDealerScenario Build(int n, int t, SecAggMode mode, int cheaterCount, EvidenceForgery forgery, int seed)
    {
        var random = new DeterministicRandom(seed);
        var split = new Dictionary<int, int[]>();
        while (split.Count < cheaterCount)
        {
            int cheater = random.NextInt(1, n + 1);
            if (!split.ContainsKey(cheater))
            {
                // Each other bank gets a share of the committed b_u with probability 1/2: sometimes t or more do (the
                // server then finds the consistent subset), mostly fewer (the cheater is expelled).
                split[cheater] = [.. Enumerable.Range(1, n).Where(h => h != cheater && random.NextInt(0, 2) == 0)];
            }
        }

        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => random.NextWords(SplitDealerScenario.VectorLength))];
        return new SplitDealerScenario(n, t, mode, split, inputs, seed, forgery);
    }
}
