using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// The expulsion pass (specs/protocol.md §2.9, review finding R1): a survivor that deals its b_u from two polynomials
/// never vetoes a round its honest neighbours finish, and a client reveals a pair point only against evidence that
/// proves the dealer's misbehaviour.
/// </summary>
public sealed class ExpulsionPropertyTests
{
    [Property(MaxTest = 40, Arbitrary = [typeof(SplitDealerScenarios)])]
    public Property CloseUnmask_SplitDealersAndEveryHonestSurvivorAnswers_CompletesWithExactlyTheIncludedSum(SplitDealerScenario scenario)
    {
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), scenario.FirstPolynomialHolders);
        int t = round.Harness.Parameters.Threshold;

        // A cheater is expelled unless t of its holders got shares of the committed b_u (the server then finds them).
        var expelled = new SortedSet<int>(scenario.FirstPolynomialHolders.Where(c => c.Value.Length < t).Select(c => c.Key));
        int[] included = [.. Enumerable.Range(1, scenario.ClientCount).Where(c => !expelled.Contains(c))];
        AggregationResult? result = null;
        RoundAbortedException? abort = null;
        try
        {
            round.RunToUnmask();
            result = round.Harness.Server.CloseUnmask() ?? round.Harness.Expel();
        }
        catch (RoundAbortedException ex)
        {
            abort = ex;
        }

        bool exact = result is not null
            && result.IncludedClients.SequenceEqual(included)
            && result.Sum.Span.SequenceEqual(PlainSum(scenario, included));
        bool named = round.Harness.Server.Culprits.SequenceEqual(expelled.Select(c => new RoundCulprit(c, Misbehaviour.InconsistentSharing)));
        return (abort is null && exact && named)
            .Label($"{scenario}; expected expelled [{string.Join(',', expelled)}]; got {(abort is null ? "completion" : $"abort: {abort.Message}")}, culprits [{string.Join(',', round.Harness.Server.Culprits)}]")
            .Classify(expelled.Count > 0, "some dealer expelled")
            .Classify(expelled.Count < scenario.FirstPolynomialHolders.Count, "some split dealer recovered");
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(SplitDealerScenarios)])]
    public Property Expel_ForgedEvidence_RefusedWhileTheGenuineEvidenceIsAnswered(SplitDealerScenario scenario)
    {
        // One cheater, whose shares no t holders can reconstruct: its genuine evidence proves its misbehaviour.
        int cheater = scenario.FirstPolynomialHolders.Keys.Min();
        int[] first = [.. scenario.FirstPolynomialHolders[cheater].Take(scenario.Threshold - 1)];
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), new Dictionary<int, int[]> { [cheater] = first });
        int t = round.Harness.Parameters.Threshold;
        round.RunToUnmask();
        int[] honest = [.. Enumerable.Range(1, scenario.ClientCount).Where(c => c != cheater)];
        int honestDealer = honest[scenario.Seed % honest.Length];
        int[] answering = [.. honest.Where(c => c != honestDealer)];
        ClientSession target = round.Harness.Client(answering[0]);
        ClientSession control = round.Harness.Client(answering[1]);
        CulpritEvidence genuine = round.EvidenceOf(cheater);
        CulpritEvidence forged = Forge(scenario, round, genuine, honestDealer, t);

        var refusal = Record.Exception(() => target.Expel(new ExpulsionRequest([forged]))) as SecAggProtocolException;
        ExpulsionPairPoints answer = control.Expel(new ExpulsionRequest([genuine]));

        bool refused = refusal?.Violation == SecAggViolation.UnprovenMisbehaviour && target.Stage == ClientStage.Aborted;
        bool answered = answer.PairPoints.Count == 1 && answer.PairPoints[0].Peer == cheater && control.Stage == ClientStage.Completed;
        return (refused && answered).Label($"{scenario}; forged against {forged.Culprit} with {forged.Shares.Count} shares: {refusal?.Violation.ToString() ?? "answered"} ({refusal?.Message})");
    }

    [Fact]
    public void Expel_RequestNamingNoNeighbourOfTheClient_AnsweredWithNoPairPoint()
    {
        var scenario = new SplitDealerScenario(5, 3, SecAggMode.Active, new Dictionary<int, int[]> { [5] = [1] }, [.. Enumerable.Range(0, 5).Select(i => new uint[SplitDealerScenario.VectorLength])], 3, EvidenceForgery.AlteredShare);
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), scenario.FirstPolynomialHolders);
        round.RunToUnmask();

        ExpulsionPairPoints answer = round.Harness.Client(1).Expel(new ExpulsionRequest([]));

        Assert.Empty(answer.PairPoints);
        Assert.Equal(ClientStage.Completed, round.Harness.Client(1).Stage);
        Assert.Equal(SecAggViolation.RoundEnded, Assert.Throws<SecAggProtocolException>(() => round.Harness.Client(1).Expel(new ExpulsionRequest([round.EvidenceOf(5)]))).Violation);
    }

    [Fact]
    public void Expel_BeforeUnmask_RefusedAsOutOfOrder()
    {
        var scenario = new SplitDealerScenario(5, 3, SecAggMode.SemiHonest, new Dictionary<int, int[]>(), [.. Enumerable.Range(0, 5).Select(i => new uint[SplitDealerScenario.VectorLength])], 4, EvidenceForgery.AlteredShare);
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), scenario.FirstPolynomialHolders);
        round.Harness.MaskInputs(round.Harness.ShareKeys(round.Harness.AdvertiseKeys()));

        var ex = Assert.Throws<SecAggProtocolException>(() => round.Harness.Client(1).Expel(new ExpulsionRequest([])));

        Assert.Equal(SecAggViolation.StageOutOfOrder, ex.Violation);
        Assert.Equal(ClientStage.Aborted, round.Harness.Client(1).Stage);
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void Expel_DroppedListNamesASurvivor_RefusedWithoutAPairPoint(SecAggMode mode)
    {
        var scenario = new SplitDealerScenario(5, 3, mode, new Dictionary<int, int[]>(), [.. Enumerable.Range(0, 5).Select(i => new uint[SplitDealerScenario.VectorLength])], 5, EvidenceForgery.AlteredShare);
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), scenario.FirstPolynomialHolders);
        round.RunToUnmask();

        // Client 2 survived: a seed of it would add to its b_2 shares already revealed.
        var ex = Assert.Throws<SecAggProtocolException>(() => round.Harness.Client(1).Expel(new ExpulsionRequest([], [2])));

        Assert.Equal(SecAggViolation.InconsistentSurvivorList, ex.Violation);
        Assert.Equal(ClientStage.Aborted, round.Harness.Client(1).Stage);
    }

    [Fact]
    public void AcceptUnmask_WithAPairPoint_RefusedBecausePairPointsAreAskedForAtExpel()
    {
        var scenario = new SplitDealerScenario(5, 3, SecAggMode.SemiHonest, new Dictionary<int, int[]>(), [.. Enumerable.Range(0, 5).Select(i => new uint[SplitDealerScenario.VectorLength])], 6, EvidenceForgery.AlteredShare);
        using var round = new SplitDealerRound(Round(scenario), Parameters(scenario), scenario.FirstPolynomialHolders);
        SurvivorList survivors = round.Harness.MaskInputs(round.Harness.ShareKeys(round.Harness.AdvertiseKeys()));
        UnmaskShares honest = round.Harness.Client(1).Unmask(survivors);

        var ex = Assert.Throws<SecAggProtocolException>(() => round.Harness.Server.AcceptUnmask(honest with { PairPoints = [new RevealedPairPoint(2, new byte[33], new byte[64])] }));

        Assert.Equal(SecAggViolation.MalformedMessage, ex.Violation);
        Assert.Empty(honest.PairPoints!);
        round.Harness.Server.AcceptUnmask(honest);
    }

    private static CulpritEvidence Forge(SplitDealerScenario scenario, SplitDealerRound round, CulpritEvidence genuine, int honestDealer, int t)
    {
        int pick = scenario.Seed % genuine.Shares.Count;
        switch (scenario.Forgery)
        {
            case EvidenceForgery.AlteredShare:
                byte[] share = genuine.Shares[pick].Share.ToArray();
                share[sizeof(uint) + (scenario.Seed % (share.Length - sizeof(uint)))] ^= (byte)(1 << (scenario.Seed % 8));
                return genuine with { Shares = [.. genuine.Shares.Select((s, i) => i == pick ? s with { Share = share } : s)] };
            case EvidenceForgery.HonestDealer:
                return round.EvidenceOf(honestDealer);
            case EvidenceForgery.TooFewShares:
                return genuine with { Shares = [.. genuine.Shares.Take(scenario.Seed % t)] };
            default:
                // The honest dealer's share for the same holder opens the honest dealer's commitment, not the culprit's.
                CulpritEvidence other = round.EvidenceOf(honestDealer);
                DealtShareEvidence replaced = genuine.Shares[pick];
                DealtShareEvidence foreign = other.Shares.FirstOrDefault(s => s.Holder == replaced.Holder) ?? other.Shares[0] with { Holder = replaced.Holder };
                return genuine with { Shares = [.. genuine.Shares.Select((s, i) => i == pick ? foreign : s)] };
        }
    }

    private static RoundScenario Round(SplitDealerScenario scenario) =>
        new(scenario.ClientCount, SplitDealerScenario.VectorLength, NeighbourGraphKind.Complete, scenario.Mode, [.. Enumerable.Repeat(RoundScenario.Never, scenario.ClientCount)], scenario.Inputs, scenario.Seed);

    private static SecAggParameters Parameters(SplitDealerScenario scenario) =>
        SecAggParameters.Complete(scenario.ClientCount, SplitDealerScenario.VectorLength, new RoundIdentity("split-dealer", scenario.Seed, SHA256.HashData(BitConverter.GetBytes(scenario.Seed))), scenario.Mode, dropoutRate: 0.1, corruptedFraction: 0, threshold: scenario.Threshold);

    private static uint[] PlainSum(SplitDealerScenario scenario, int[] clients)
    {
        uint[] sum = new uint[SplitDealerScenario.VectorLength];
        foreach (int client in clients)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += scenario.Inputs[client - 1][i];
            }
        }

        return sum;
    }
}
