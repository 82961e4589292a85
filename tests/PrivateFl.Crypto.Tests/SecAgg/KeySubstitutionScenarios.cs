using FsCheck;
using FsCheck.Fluent;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// FsCheck generators of key-substitution coalitions: 4–28 clients, both graphs and modes (active rounds take the
/// complete graph, Rule P9, so Harary graphs occur in semi-honest rounds), up to ⌊n/2⌋ corrupted
/// clients (γ = 0.5), a random honest target, and every substitution kind. Half the scenarios are random
/// coalitions; the other half place the target between the honest and the corrupted indices and let each corrupted
/// neighbour copy (bit flip or torsion translate) a distinct honest neighbour on the other side of the target, the arrangement
/// in which the copied masks would cancel.
/// </summary>
public static class KeySubstitutionScenarios
{
    private const int Length = 16;

    private static readonly KeySubstitution[] AllKinds = Enum.GetValues<KeySubstitution>();

    public static Arbitrary<KeySubstitutionScenario> Scenarios() =>
        Arb.From(
            from n in Gen.Choose(4, 28)
            from graph in Gen.Elements(NeighbourGraphKind.Complete, NeighbourGraphKind.Harary)
            from mode in Gen.Elements(SecAggMode.SemiHonest, SecAggMode.Active)
            from cancelling in Gen.Elements(true, false)
            from seed in Gen.Choose(0, int.MaxValue)
            select Build(n, graph, mode, cancelling, seed));

    private static KeySubstitutionScenario Build(int n, NeighbourGraphKind graph, SecAggMode mode, bool cancelling, int seed)
    {
        var random = new DeterministicRandom(seed);
        int maxCorrupted = n / 2;
        int corruptedCount = cancelling ? maxCorrupted : random.NextInt(1, maxCorrupted + 1);
        int target;
        int[] corrupted;
        if (cancelling)
        {
            // Honest clients on one side of the target, corrupted ones on the other.
            bool corruptedAbove = random.NextInt(0, 2) == 0;
            corrupted = corruptedAbove ? [.. Enumerable.Range(n - corruptedCount + 1, corruptedCount)] : [.. Enumerable.Range(1, corruptedCount)];
            target = corruptedAbove ? n - corruptedCount : corruptedCount + 1;
        }
        else
        {
            int[] order = Shuffle(Enumerable.Range(1, n).ToArray(), random);
            corrupted = [.. order.Take(corruptedCount)];
            target = order[corruptedCount + random.NextInt(0, n - corruptedCount)];
        }

        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => random.NextWords(Length))];
        var round = new RoundScenario(n, Length, graph, mode, Enumerable.Repeat(RoundScenario.Never, n).ToArray(), inputs, seed);
        NeighbourGraph neighbours = NeighbourGraph.Create(KeySubstitutionCoalition.HalfCorruptedParameters(round));
        int[] honest = [.. Enumerable.Range(1, n).Except(corrupted)];
        var unmatched = new List<int>(neighbours.NeighboursOf(target).Where(v => !corrupted.Contains(v)));
        var plan = new Dictionary<int, (KeySubstitution Kind, int Victim)>();
        foreach (int w in Shuffle(corrupted, random))
        {
            KeySubstitution kind = cancelling
                ? (random.NextInt(0, 2) == 0 ? KeySubstitution.BitFlip : KeySubstitution.TorsionShift)
                : AllKinds[random.NextInt(0, AllKinds.Length)];
            if (kind is KeySubstitution.CoalitionKey or KeySubstitution.SmallOrder)
            {
                plan[w] = (kind, w);
                continue;
            }

            // A copy cancels the victim's mask in y_target when both are the target's neighbours on opposite sides.
            int match = neighbours.AreNeighbours(target, w) ? unmatched.FindIndex(v => (v < target) != (w < target)) : -1;
            if (match >= 0)
            {
                plan[w] = (kind, unmatched[match]);
                unmatched.RemoveAt(match);
            }
            else
            {
                plan[w] = cancelling ? (KeySubstitution.CoalitionKey, w) : (kind, honest[random.NextInt(0, honest.Length)]);
            }
        }

        return new KeySubstitutionScenario(round, target, random.NextWords(Length), plan, random.NextInt(0, X25519Encodings.SmallOrder.Length), cancelling);
    }

    private static int[] Shuffle(int[] items, DeterministicRandom random)
    {
        int[] shuffled = [.. items];
        for (int i = shuffled.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(0, i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }

        return shuffled;
    }
}
