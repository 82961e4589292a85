using FsCheck;
using FsCheck.Fluent;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// FsCheck generators of coalition rounds: 4–22 banks, both modes, the complete graph and (semi-honest) SecAgg+,
/// γ from 0.1 to 0.5 with a random coalition of 0 … ⌊γn⌋ banks (mostly exactly ⌊γn⌋), dropouts at every stage
/// (0 … 5) with a rate up to 1.5 times the announced δ (so some rounds abort), in a third of the rounds a corrupted bank
/// that deals garbage to some honest neighbours, and in a third (independently) a corrupted bank that splits its dealing.
/// </summary>
public static class CoalitionScenarios
{
    public static Arbitrary<CoalitionScenario> Scenarios() =>
        Arb.From(
            (from n in Gen.Choose(4, 22)
            from mode in Gen.Elements(SecAggMode.SemiHonest, SecAggMode.Active)
            from sparse in Gen.Elements(false, true)
            from gammaTenths in Gen.Choose(1, 5)
            from deltaTenths in Gen.Choose(1, 2)
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(n, mode, sparse && mode == SecAggMode.SemiHonest ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete, gammaTenths / 10.0, deltaTenths / 10.0, seed))
            .Where(s => CoalitionRound.TryParameters(s) is not null));

    private static CoalitionScenario Build(int n, SecAggMode mode, NeighbourGraphKind graph, double gamma, double delta, int seed)
    {
        var random = new DeterministicRandom(seed);
        int maxCorrupted = GraphParameterAnalysis.CorruptedCount(n, gamma);
        int corruptedCount = random.NextInt(0, 3) == 0 ? random.NextInt(0, maxCorrupted + 1) : maxCorrupted;
        int[] order = Enumerable.Range(1, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextInt(0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int[] corrupted = [.. order.Take(corruptedCount).Order()];
        double dropRate = random.NextDouble() * 1.5 * delta;
        int[] dropStage = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < dropRate ? random.NextInt(0, 6) : CoalitionScenario.Never)];
        int? garbageDealer = corrupted.Length > 0 && random.NextInt(0, 3) == 0 ? corrupted[random.NextInt(0, corrupted.Length)] : null;
        int[] victims = garbageDealer is null ? [] : [.. Enumerable.Range(1, n).Where(v => Array.IndexOf(corrupted, v) < 0 && random.NextInt(0, 2) == 0)];
        int[] others = [.. corrupted.Where(w => w != garbageDealer)];
        int? splitDealer = others.Length > 0 && random.NextInt(0, 3) == 0 ? others[random.NextInt(0, others.Length)] : null;
        int[] firstHolders = splitDealer is null ? [] : [.. Enumerable.Range(1, n).Where(h => h != splitDealer && random.NextInt(0, 2) == 0)];
        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => random.NextWords(CoalitionScenario.VectorLength))];
        return new CoalitionScenario(n, graph, mode, gamma, delta, corrupted, dropStage, garbageDealer, victims, splitDealer, firstHolders, inputs, seed);
    }
}
