using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>The attacks of issue 9 §3 and §4, performed against the real state machines.</summary>
public sealed class RobustReconstructionTests
{
    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void CloseUnmask_ExactlyTSharesOneShifted_RefusedAndRevealerNamedInsteadOfAGarbledSum(SecAggMode mode)
    {
        // Only t clients answer the unmask request, so each survivor's b_u has exactly t shares; client 1
        // shifts its share of client 2's b_u. Before issue 9 the round completed with a wrong sum.
        int n = 7;
        SecAggParameters parameters = RoundHarness.CreateParameters(n, 16, NeighbourGraphKind.Complete, mode, seed: 5);
        int t = parameters.Threshold;
        int[] drops = [.. Enumerable.Range(1, n).Select(c => c <= t ? RoundScenario.Never : 4)];
        var random = new DeterministicRandom(5);
        var scenario = new RoundScenario(n, 16, NeighbourGraphKind.Complete, mode, drops, [.. Enumerable.Range(0, n).Select(_ => random.NextWords(16))], 5);
        using var harness = new RoundHarness(scenario);
        SurvivorList survivors = harness.MaskInputs(harness.ShareKeys(harness.AdvertiseKeys()));
        Func<int, UnmaskShares> unmask = c => harness.Client(c).Unmask(survivors);
        if (mode == SecAggMode.Active)
        {
            ConsistencyProof proof = harness.ConsistencyCheck(survivors);
            unmask = c => harness.Client(c).Unmask(proof);
        }

        for (int c = 1; c <= t; c++)
        {
            UnmaskShares shares = unmask(c);
            if (c == 1)
            {
                shares = shares with { Shares = [.. shares.Shares.Select(s => s.Owner == 2 ? MisbehaviourRunner.Shift(s) : s)] };
                Assert.Equal(SecAggViolation.MalformedMessage, Assert.Throws<SecAggProtocolException>(() => harness.Server.AcceptUnmask(shares)).Violation);
                continue;
            }

            harness.Server.AcceptUnmask(shares);
        }

        var abort = Assert.Throws<RoundAbortedException>(() => harness.Server.CloseUnmask());

        Assert.Equal(RoundStage.Unmask, abort.Stage);
        Assert.Equal([new RoundCulprit(1, Misbehaviour.WrongRevealedShare)], harness.Server.Culprits);
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void CloseUnmask_MoreThanTSharesOneShifted_CorrectSumAndRevealerNamed(SecAggMode mode)
    {
        var scenario = new MisbehaviourScenario(6, NeighbourGraphKind.Complete, mode, [Misbehaving.WrongRevealedShares, .. Enumerable.Repeat(Misbehaving.None, 5)], [.. Enumerable.Repeat(1, 6)], true, Inputs(6, 3), 3);
        using var harness = new RoundHarness(scenario.Round);

        MisbehaviourRunner.Outcome outcome = MisbehaviourRunner.Run(scenario, harness);

        Assert.NotNull(outcome.Result);
        Assert.Equal(MisbehaviourRunner.Expect(scenario, harness.Parameters).Sum, outcome.Result.Sum.ToArray());
        Assert.Equal([new RoundCulprit(1, Misbehaviour.WrongRevealedShare)], outcome.Culprits);
    }

    [Theory]
    [InlineData(SecAggMode.SemiHonest)]
    [InlineData(SecAggMode.Active)]
    public void Run_OneBankSendsGarbageSharesToEveryone_RoundsCompleteWithoutIt(SecAggMode mode)
    {
        // Issue 9 §4: before, every honest recipient aborted with ShareAuthenticationFailed (2 of 2 rounds).
        for (int round = 0; round < 2; round++)
        {
            var scenario = new MisbehaviourScenario(6, NeighbourGraphKind.Complete, mode, [.. Enumerable.Repeat(Misbehaving.None, 5), Misbehaving.GarbageShares], [.. Enumerable.Repeat(0xFFFF, 6)], true, Inputs(6, round), round);
            using var harness = new RoundHarness(scenario.Round);

            MisbehaviourRunner.Outcome outcome = MisbehaviourRunner.Run(scenario, harness);

            Assert.NotNull(outcome.Result);
            Assert.Equal([1, 2, 3, 4, 5], outcome.Result.IncludedClients);
            Assert.Equal(MisbehaviourRunner.Expect(scenario, harness.Parameters).Sum, outcome.Result.Sum.ToArray());
            Assert.Equal([new RoundCulprit(6, Misbehaviour.InvalidShare)], outcome.Culprits);
        }
    }

    [Fact]
    public void CloseMaskedInput_FalseComplaintWithValidProof_ComplainantNamedAndLeftOut()
    {
        var scenario = new MisbehaviourScenario(6, NeighbourGraphKind.Complete, SecAggMode.Active, [Misbehaving.None, Misbehaving.FalseComplaint, .. Enumerable.Repeat(Misbehaving.None, 4)], [.. Enumerable.Repeat(1, 6)], ValidProof: true, Inputs(6, 9), 9);
        using var harness = new RoundHarness(scenario.Round);

        MisbehaviourRunner.Outcome outcome = MisbehaviourRunner.Run(scenario, harness);

        Assert.NotNull(outcome.Result);
        Assert.Equal([1, 3, 4, 5, 6], outcome.Result.IncludedClients);
        Assert.Equal([new RoundCulprit(2, Misbehaviour.FalseComplaint)], outcome.Culprits);
    }

    private static uint[][] Inputs(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        return [.. Enumerable.Range(0, n).Select(_ => random.NextWords(MisbehaviourScenario.VectorLength))];
    }
}
