using FsCheck;
using FsCheck.Fluent;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>FsCheck generators: 4–16 banks, both graphs and modes, up to a third of them misbehaving in a random way.</summary>
public static class MisbehaviourScenarios
{
    public static Arbitrary<MisbehaviourScenario> Scenarios() =>
        Arb.From(
            from n in Gen.Choose(4, 16)
            from graph in Gen.Elements(NeighbourGraphKind.Complete, NeighbourGraphKind.Harary)
            from mode in Gen.Elements(SecAggMode.SemiHonest, SecAggMode.Active)
            from corrupted in Gen.Choose(0, n / 3)
            from validProof in Gen.Elements(true, false)
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(n, graph, mode, corrupted, validProof, seed));

    private static MisbehaviourScenario Build(int n, NeighbourGraphKind graph, SecAggMode mode, int corrupted, bool validProof, int seed)
    {
        var random = new DeterministicRandom(seed);
        var behaviour = new Misbehaving[n];
        int[] targets = new int[n];
        for (int placed = 0; placed < corrupted;)
        {
            int client = random.NextInt(0, n);
            if (behaviour[client] == Misbehaving.None)
            {
                behaviour[client] = (Misbehaving)random.NextInt(1, 4);
                placed++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            // A bit mask over the client's neighbours (in ascending order) that the misbehaviour aims at.
            targets[i] = random.NextInt(1, 1 << 16);
        }

        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => random.NextWords(MisbehaviourScenario.VectorLength))];
        return new MisbehaviourScenario(n, graph, mode, behaviour, targets, validProof, inputs, seed);
    }
}
