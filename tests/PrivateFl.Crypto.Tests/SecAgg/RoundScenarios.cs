using FsCheck;
using FsCheck.Fluent;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>FsCheck generators of rounds: client counts 3–60, vector lengths 1–5000, both graphs and modes, dropouts at every stage.</summary>
public static class RoundScenarios
{
    public static Arbitrary<RoundScenario> Scenarios() =>
        Arb.From(
            from n in Gen.Choose(3, 60)
            from d in Gen.Choose(1, 5000)
            from graph in Gen.Elements(NeighbourGraphKind.Complete, NeighbourGraphKind.Harary)
            from mode in Gen.Elements(SecAggMode.SemiHonest, SecAggMode.Active)
            from dropPercent in Gen.Choose(0, 25)
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(n, d, graph, mode, dropPercent, seed));

    private static RoundScenario Build(int n, int d, NeighbourGraphKind graph, SecAggMode mode, int dropPercent, int seed)
    {
        var random = new DeterministicRandom(seed);
        int[] dropStage = new int[n];
        for (int i = 0; i < n; i++)
        {
            dropStage[i] = random.NextInt(0, 100) < dropPercent ? random.NextInt(0, 5) : RoundScenario.Never;
        }

        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => random.NextWords(d))];
        return new RoundScenario(n, d, graph, mode, dropStage, inputs, seed);
    }
}
