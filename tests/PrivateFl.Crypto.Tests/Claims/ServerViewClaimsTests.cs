using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// SECURITY.md, "What each party learns" and "Adversaries": what the server reconstructs, what a tampering server gets
/// in each mode, and the active threshold the announced γ buys (docs/claims.md).
/// </summary>
public sealed class ServerViewClaimsTests
{
    /// <summary>
    /// "It reconstructs b_u only for banks whose input is in the sum and s_v only for banks that dropped before sending
    /// it": a client whose masked input the server accepted never has its s reconstructed, and a b is reconstructed only
    /// for a client included in the sum (or, in an aborted round, one that sent its input).
    /// </summary>
    [Property(MaxTest = 30, Arbitrary = [typeof(RoundScenarios)])]
    public Property Run_AnyScenario_SelfMaskOnlyOfIncludedAndMaskKeyOnlyOfClientsThatSentNoInput(RoundScenario scenario)
    {
        using var harness = new RoundHarness(scenario);

        (AggregationResult? result, _) = harness.Run();

        int[] selfMasks = [.. harness.Server.ReconstructedSecrets.Where(s => s.Kind == SecretKind.SelfMaskSeed).Select(s => s.Client)];
        int[] maskKeys = [.. harness.Server.ReconstructedSecrets.Where(s => s.Kind == SecretKind.MaskKey).Select(s => s.Client)];
        IEnumerable<int> inSum = result is null ? harness.SentMaskedInput : result.IncludedClients;
        bool holds = selfMasks.All(inSum.Contains) && !maskKeys.Any(harness.SentMaskedInput.Contains)
            && (result is null || result.IncludedClients.All(selfMasks.Contains));
        return holds.Label($"{scenario}: b of [{string.Join(',', selfMasks)}], s of [{string.Join(',', maskKeys)}], sent [{string.Join(',', harness.SentMaskedInput)}], included [{string.Join(',', result?.IncludedClients ?? [])}]")
            .Classify(maskKeys.Length > 0, "with a dropped client's s");
    }

    /// <summary>
    /// "In semi-honest mode the server is trusted to route shares unaltered: one that altered a ciphertext would make the
    /// recipient disclose that pair's share key": the recipient does not abort, it complains, and the complaint's point
    /// is exactly the pair's share-key input (it opens the dealer's unaltered ciphertext).
    /// </summary>
    [Fact]
    public void SemiHonestMaskInput_ServerAlteredCiphertext_RecipientCompletesAndDisclosesThatPairsShareKey()
    {
        var random = new DeterministicRandom(21);
        var scenario = new RoundScenario(5, 8, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, [.. Enumerable.Repeat(RoundScenario.Never, 5)], [.. Enumerable.Range(0, 5).Select(_ => random.NextWords(8))], 21);
        using var harness = new RoundHarness(scenario);
        IReadOnlyDictionary<int, KeyDirectory> directories = harness.AdvertiseKeys();
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(directories);
        EncryptedShare[] shares = [.. deliveries[1].Shares];
        int dealerAt = Array.FindIndex(shares, s => s.Sender == 2);
        EncryptedShare original = shares[dealerAt];
        byte[] altered = original.Ciphertext.ToArray();
        altered[40] ^= 0x01;
        shares[dealerAt] = original with { Ciphertext = altered };

        MaskedInput masked = harness.Client(1).MaskInput(new ShareDelivery(shares), scenario.Inputs[0]);

        ShareComplaint complaint = Assert.Single(masked.Complaints ?? []);
        Assert.Equal(2, complaint.Dealer);
        AdvertisedKeys recipientKeys = directories[2].Entries.Single(e => e.Sender == 1);
        AdvertisedKeys dealerKeys = directories[1].Entries.Single(e => e.Sender == 2);
        byte[] shareKey = new byte[Aead.KeySize];
        Kdf.DeriveKey(complaint.SharedPoint.Span[..32], KdfLabels.ShareKey, PairwiseKeys.PairContext(harness.Parameters.Round, 2, dealerKeys.CipherPublicKey.Span, 1, recipientKeys.CipherPublicKey.Span), shareKey);
        byte[] plaintext = Aead.Decrypt(shareKey, original.Ciphertext.Span, ProtocolEncoding.ShareAssociatedData(harness.Parameters.Round, 2, 1));
        Assert.Equal(ProtocolEncoding.SharePlaintextSize, plaintext.Length);
    }

    /// <summary>
    /// "With every other participant as neighbour, t ≥ ⌊(n − 1 + C)/2⌋ + 1", C = ⌊γn⌋ for the announced γ: whatever an
    /// active round's announced settings (graph, γ, δ, σ, η, maximise), the one derivation gives the complete graph and
    /// such a threshold, or refuses. The documented instance: γ = 0, n = 10 gives t = 5.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property ForRound_ActiveAnySettings_CompleteGraphAndThresholdAboveHalfOfOthersAndCorrupted() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(3, 400)
                     from gamma in Gen.Choose(0, 60)
                     from delta in Gen.Choose(0, 60)
                     from harary in Gen.Elements(false, true)
                     from maximize in Gen.Elements(false, true)
                     select (n, gamma: gamma / 100.0, delta: delta / 100.0, harary, maximize)),
            s =>
            {
                var policy = new SecAggPolicy(SecAggMode.Active, s.harary ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete, s.delta, s.gamma, MaximizeThreshold: s.maximize);
                SecAggParameters parameters;
                try
                {
                    parameters = SecAggParameters.ForRound(policy, s.n, 4, new RoundIdentity("claims", 1, new byte[32]));
                }
                catch (ArgumentException)
                {
                    return true.Label("refused").Classify(true, "refused");
                }

                int corrupted = GraphParameterAnalysis.CorruptedCount(s.n, s.gamma);
                return (parameters.GraphKind == NeighbourGraphKind.Complete && parameters.Degree == s.n - 1
                        && parameters.Threshold >= ((s.n - 1 + corrupted) / 2) + 1 && parameters.Threshold <= s.n - 1)
                    .Label($"{s}: {parameters.GraphKind} k = {parameters.Degree}, t = {parameters.Threshold}, C = {corrupted}");
            });

    /// <summary>
    /// protocol.md §2.2 "The graph seed and the round number do not enter (k, t)" and SECURITY.md "neither the graph nor
    /// t depends on the seed": a server grinding seeds or round numbers gets the same degree and threshold.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property ForRound_AnySeedOrRoundNumber_SameDegreeAndThreshold() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(3, 300)
                     from gamma in Gen.Choose(0, 30)
                     from delta in Gen.Choose(0, 30)
                     from active in Gen.Elements(false, true)
                     from harary in Gen.Elements(false, true)
                     from maximize in Gen.Elements(false, true)
                     from seeds in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 64)
                     from rounds in Gen.Two(Gen.Choose(0, int.MaxValue))
                     select (n, gamma: gamma / 100.0, delta: delta / 100.0, active, harary, maximize, seeds, rounds)),
            s =>
            {
                var policy = new SecAggPolicy(s.active ? SecAggMode.Active : SecAggMode.SemiHonest, s.harary ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete, s.delta, s.gamma, MaximizeThreshold: s.maximize);
                (NeighbourGraphKind, int, int)? Derive(int round, byte[] seed)
                {
                    try
                    {
                        SecAggParameters p = SecAggParameters.ForRound(policy, s.n, 4, new RoundIdentity("claims", round, seed));
                        return (p.GraphKind, p.Degree, p.Threshold);
                    }
                    catch (ArgumentException)
                    {
                        return null;
                    }
                }

                var first = Derive(s.rounds.Item1, s.seeds[..32]);
                var second = Derive(s.rounds.Item2, s.seeds[32..]);
                return (first == second).Label($"{s.n}, γ {s.gamma}, δ {s.delta}: {first} vs {second}");
            });

    [Fact]
    public void ForRound_ActiveTenBanksAnnouncedGammaZero_ThresholdFive()
    {
        var policy = new SecAggPolicy(SecAggMode.Active, NeighbourGraphKind.Complete, 0, 0);

        SecAggParameters parameters = SecAggParameters.ForRound(policy, 10, 4, new RoundIdentity("claims", 1, new byte[32]));

        Assert.Equal((NeighbourGraphKind.Complete, 9, 5), (parameters.GraphKind, parameters.Degree, parameters.Threshold));
    }
}
