using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// SECURITY.md "Corrupted banks": a corrupted bank's vector is not checked, so it shifts the released sum by any
/// amount (model poisoning), and nothing in the round notices. This test performs the shift; it documents a limit,
/// and would fail if the round ever started to refuse or bound such a vector (then SECURITY.md must change too).
/// </summary>
public sealed class CorruptedBankUpdateTests
{
    [Property(MaxTest = 30)]
    public Property MaskedInput_CorruptedBankAddsAnArbitraryOffset_SumShiftedByExactlyThatOffset() =>
        Prop.ForAll(
            Arb.From(
                from n in Gen.Choose(3, 12)
                from d in Gen.Choose(1, 64)
                from active in Gen.Elements(false, true)
                from seed in Gen.Choose(0, int.MaxValue)
                select (n, d, active, seed)),
            c =>
            {
                var random = new DeterministicRandom(c.seed);
                SecAggMode mode = c.active ? SecAggMode.Active : SecAggMode.SemiHonest;
                var scenario = new RoundScenario(c.n, c.d, NeighbourGraphKind.Complete, mode, [.. Enumerable.Repeat(RoundScenario.Never, c.n)], [.. Enumerable.Range(0, c.n).Select(_ => random.NextWords(c.d))], c.seed);
                uint[] offset = random.NextWords(c.d);
                const int corrupted = 1;
                using var harness = new RoundHarness(scenario);
                IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());
                foreach ((int index, ShareDelivery delivery) in deliveries)
                {
                    MaskedInput honest = harness.Client(index).MaskInput(delivery, scenario.Inputs[index - 1]);
                    if (index != corrupted)
                    {
                        harness.Server.AcceptMaskedInput(honest);
                        continue;
                    }

                    // The corrupted bank masks honestly, then adds anything it likes: under the masks it looks the same.
                    uint[] shifted = honest.Vector.ToArray();
                    for (int j = 0; j < shifted.Length; j++)
                    {
                        shifted[j] += offset[j];
                    }

                    harness.Server.AcceptMaskedInput(honest with { Vector = shifted });
                }

                SurvivorList survivors = harness.Server.CloseMaskedInput();
                AggregationResult result;
                if (c.active)
                {
                    ConsistencyProof proof = harness.ConsistencyCheck(survivors);
                    result = harness.Unmask(i => harness.Client(i).Unmask(proof), proof.Signatures.Select(s => s.Sender));
                }
                else
                {
                    result = harness.Unmask(i => harness.Client(i).Unmask(survivors), survivors.Survivors);
                }

                uint[] expected = new uint[c.d];
                foreach (uint[] input in scenario.Inputs)
                {
                    for (int j = 0; j < c.d; j++)
                    {
                        expected[j] += input[j];
                    }
                }

                for (int j = 0; j < c.d; j++)
                {
                    expected[j] += offset[j];
                }

                return (result.Sum.ToArray().SequenceEqual(expected) && result.IncludedClients.Contains(corrupted) && harness.Server.Culprits.Count == 0)
                    .Label($"n = {c.n}, d = {c.d}, {mode}");
            });
}
