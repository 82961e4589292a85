using Google.Protobuf.Collections;
using Grpc.Core;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.IntegrationTests.Faults;
using PrivateFl.Protocol.V1;
using SecAggMode = PrivateFl.Protocol.V1.SecAggMode;

namespace PrivateFl.IntegrationTests;

/// <summary>Issue 9 §4 over real gRPC: one enrolled bank deals well-formed garbage shares in every round.</summary>
public sealed class MisbehavingBankTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TrainAsync_OneBankDealsGarbageShares_RoundsCompleteWithoutItAndItIsNamedThenSuspended()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(5));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("garbage", clients: 5, rounds: 3, mode: SecAggMode.Active);
        var clients = ids.Take(4).Select(id => server.Client(id)).Append(server.FaultyClient(ids[4], GarbageShares.Dealt(server.Identity(ids[4])))).ToList();

        Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("garbage", banks[i]))];
        TrainingReport[] honest = await Task.WhenAll(training[..4]).WaitAsync(Limit);
        await Record.ExceptionAsync(() => training[4].WaitAsync(Limit));

        Assert.All(honest, r => Assert.Equal(3, r.RoundsParticipated));
        var rounds = (await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "garbage" }, InProcessServer.AdminCall())).Rounds;
        Assert.Equal(3, rounds.Count);
        Assert.All(rounds, round =>
        {
            Assert.Equal(RoundOutcome.Completed, round.RoundOutcome);
            Assert.Equal(ids[..4], round.Included);
            RoundCulprit culprit = Assert.Single(round.Culprits);
            Assert.Equal(("bank-5", Misbehaviour.InvalidShare), (culprit.ClientId, culprit.Misbehaviour));
        });
        Assert.Equal(4, (await clients[0].GetGlobalModelAsync("garbage")).Contributors);

        // Caught three times (the default of RoundOptions.SuspendAfterMisbehaviours): suspended and refused.
        ClientInfo bad = (await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Single(c => c.ClientId == "bank-5");
        Assert.True(bad.Suspended);
        Assert.Equal(3u, bad.MisbehaviourCount);
        var refused = await Assert.ThrowsAsync<ClientRejectedException>(() => clients[4].GetSessionAsync("garbage"));
        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(refused.InnerException).StatusCode);

        // An operator reinstates it by re-enrolling it with its own key.
        ClientInfo reinstated = await server.Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-5", IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(clients[4].IdentityPublicKey) }, InProcessServer.AdminCall());
        Assert.False(reinstated.Suspended);
        Assert.Equal("garbage", (await clients[4].GetSessionAsync("garbage")).SessionId);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>
    /// Review finding R1 over real gRPC: one bank deals shares of b_u from two polynomials, each share sealed, committed and
    /// signed by the bank itself, so nobody can complain; it survives. The server finds no t shares reconstructing its
    /// committed b_u, takes its masked input out of the sum and asks the others for their pair points with it, which they
    /// give once they have checked the evidence (protocol.md §2.9): the round completes without it, the round record names
    /// it, and it is suspended at once.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrainAsync_OneBankDealsSharesOfTwoPolynomials_RoundCompletesWithoutItAndItIsSuspendedAtOnce(bool active)
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(5));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("split", clients: 5, rounds: 1, mode: active ? SecAggMode.Active : SecAggMode.SemiHonest);
        // Two sessions with the same round keys and different b_u; only holder 1 gets a share of the committed one.
        using var dealer = new SplitDealer([1]);
        var clients = ids.Take(4).Select(id => server.Client(id)).Append(server.FaultyClient(ids[4], dealer.Faults, dealer)).ToList();

        Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("split", banks[i]))];
        TrainingReport[] honest = await Task.WhenAll(training[..4]).WaitAsync(Limit);
        await Record.ExceptionAsync(() => training[4].WaitAsync(Limit));

        Assert.All(honest, r => Assert.Equal(1, r.RoundsParticipated));
        RoundRecord round = Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "split" }, InProcessServer.AdminCall())).Rounds);
        Assert.Equal(RoundOutcome.Completed, round.RoundOutcome);
        Assert.Equal(ids[..4], round.Included);
        RoundCulprit culprit = Assert.Single(round.Culprits);
        Assert.Equal(("bank-5", Misbehaviour.InconsistentSharing), (culprit.ClientId, culprit.Misbehaviour));
        Assert.Contains(round.Stages, s => s.Stage == nameof(RoundStage.Expel));
        Assert.Equal(4, (await clients[0].GetGlobalModelAsync("split")).Contributors);

        // One proven offence of this kind suffices (RoundOptions.SuspendAfterMisbehaviours is 3 for the others).
        ClientInfo bad = (await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Single(c => c.ClientId == "bank-5");
        Assert.True(bad.Suspended);
        Assert.Equal(1u, bad.MisbehaviourCount);
        var refused = await Assert.ThrowsAsync<ClientRejectedException>(() => clients[4].GetSessionAsync("split"));
        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(refused.InnerException).StatusCode);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>
    /// The DP rule after an expulsion (protocol.md §2.9): with δ = 0 a round of 5 banks needs m = 5 inputs in its sum, so
    /// once the split dealer is expelled the honest banks refuse to give their pair points (TooFewSurvivors) and the
    /// round aborts at Expel: no model version is released, and the dealer is still named and suspended.
    /// </summary>
    [Fact]
    public async Task TrainAsync_SplitDealerInADpRoundWhoseSumWouldFallBelowM_RoundAbortsAndReleasesNothing()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(3));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);
        CreateSessionRequest request = InProcessServer.CreditSessionRequest(
            "split-dp",
            clients: 5,
            rounds: 1,
            new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 5, LearningRate = 0.5, BatchSize = 1000, ClipNorm = 2, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 },
            new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 8, Delta = 1e-5 },
            SecAggMode.Active);
        request.SecAgg.DropoutRate = 0;
        await server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall());
        using var dealer = new SplitDealer([]);
        var clients = ids.Take(4).Select(id => server.Client(id, maxEpsilon: 10)).Append(server.FaultyClient(ids[4], dealer.Faults, dealer, maxEpsilon: 10)).ToList();
        using var stop = new CancellationTokenSource(Limit);

        Task<TrainingReport>[] training = [.. clients.Select((c, i) => c.TrainAsync("split-dp", banks[i], cancellationToken: stop.Token))];
        RepeatedField<RoundRecord> rounds = [];
        while (rounds.Count == 0 && !stop.IsCancellationRequested)
        {
            await Task.Delay(200);
            rounds = (await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "split-dp" }, InProcessServer.AdminCall())).Rounds;
        }

        await stop.CancelAsync();
        foreach (Task<TrainingReport> task in training)
        {
            await Record.ExceptionAsync(() => task);
        }

        RoundRecord round = Assert.Single(rounds);
        Assert.Equal(RoundOutcome.Aborted, round.RoundOutcome);
        Assert.Contains("gave no valid pair point", round.AbortReason, StringComparison.Ordinal);
        RoundCulprit culprit = Assert.Single(round.Culprits);
        Assert.Equal(("bank-5", Misbehaviour.InconsistentSharing), (culprit.ClientId, culprit.Misbehaviour));
        Assert.Equal(0, (await clients[0].GetGlobalModelAsync("split-dp")).Version);
        Assert.True((await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Single(c => c.ClientId == "bank-5").Suspended);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }
}
