using PrivateFl.ClientSdk;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.IntegrationTests.Faults;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Banks train over real gRPC on loopback with the real server and SDK.</summary>
public sealed class FederatedTrainingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TrainAsync_FiveBanksThreeRounds_ModelImprovesOnHeldOutData()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, CreditDataset test) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("credit", clients: 5, rounds: 3);
        var clients = ids.Select(id => server.Client(id)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("credit", banks[i]))).WaitAsync(Limit);

        GlobalModel first = await clients[0].GetGlobalModelAsync("credit", 1);
        GlobalModel final = await clients[0].GetGlobalModelAsync("credit");
        Assert.All(reports, r => Assert.Equal(3, r.RoundsParticipated));
        Assert.Equal(3, final.Version);
        Assert.Equal(5, final.Contributors);
        double firstAuc = CreditData.TestAuc(first.Weights, test);
        double finalAuc = CreditData.TestAuc(final.Weights, test);
        Assert.True(finalAuc > 0.70, $"held-out AUC {finalAuc:F3} after 3 rounds");
        Assert.True(finalAuc >= firstAuc - 0.01, $"AUC went from {firstAuc:F3} to {finalAuc:F3}");
        double zeroLoss = ModelMetrics.LogLoss(LogisticRegression.PredictProbabilities(new double[final.Weights.Count], test), test.Labels);
        double finalLoss = ModelMetrics.LogLoss(LogisticRegression.PredictProbabilities([.. final.Weights], test), test.Labels);
        Assert.True(finalLoss < zeroLoss, $"held-out log loss {finalLoss:F3} vs {zeroLoss:F3} for the initial model");
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Round_ClientKilledAfterShareKeys_CompletesForTheOthersWithoutIt()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(2));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(5);
        string[] ids = [.. Enumerable.Range(1, 5).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("dropout", clients: 5, rounds: 1);
        // The fifth bank drops out after ShareKeys: its SubmitMaskedInput call fails before it is sent.
        var clients = ids.Take(4).Select(id => server.Client(id)).Append(server.FaultyClient(ids[4], new BankFaults { DropBefore = RoundStage.MaskedInput })).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("dropout", banks[i]))).WaitAsync(Limit);

        Assert.All(reports[..4], r => Assert.Equal(1, r.RoundsParticipated));
        Assert.Equal(0, reports[4].RoundsParticipated);
        Assert.Equal(1, reports[4].RoundsLost);
        RoundRecord round = Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "dropout" }, InProcessServer.AdminCall())).Rounds);
        Assert.Equal(RoundOutcome.Completed, round.RoundOutcome);
        Assert.Equal(ids, round.Participants);
        Assert.Equal(ids[..4], round.Included);
        Assert.Equal([ids[4]], round.Dropped);
        Assert.Equal(4, (await clients[0].GetGlobalModelAsync("dropout")).Contributors);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Round_TooManyDropouts_AbortsAndTheModelStays()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(2));
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(4);
        string[] ids = [.. Enumerable.Range(1, 4).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("abort", clients: 4, rounds: 1);
        // Three banks quit after ShareKeys: each fails its SubmitMaskedInput call unsent, and stops training once it has
        // reported the round lost.
        CancellationTokenSource[] quits = [.. ids.Skip(1).Select(_ => new CancellationTokenSource())];
        var clients = ids.Take(1).Select(id => server.Client(id)).Concat(ids.Skip(1).Select(id => server.FaultyClient(id, new BankFaults { DropBefore = RoundStage.MaskedInput }))).ToList();

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<TrainingReport> survivor = clients[0].TrainAsync("abort", banks[0], maxRounds: 1, cancellationToken: cancel.Token);
        Task<TrainingReport>[] quitters = [.. clients.Skip(1).Select((c, i) => c.TrainAsync("abort", banks[i + 1], new QuitAfterLoss(quits[i]), cancellationToken: quits[i].Token))];
        foreach (Task<TrainingReport> quitter in quitters)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter.WaitAsync(Limit));
        }

        await WaitForAsync(async () => (await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "abort" }, InProcessServer.AdminCall())).Rounds.Count == 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => survivor);

        RoundRecord round = Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "abort" }, InProcessServer.AdminCall())).Rounds);
        Assert.Equal(RoundOutcome.Aborted, round.RoundOutcome);
        Assert.Contains("threshold", round.AbortReason, StringComparison.Ordinal);
        Assert.Equal(0, (await clients[0].GetGlobalModelAsync("abort")).Version);
        Assert.Empty((await server.Admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = "abort" }, InProcessServer.AdminCall())).Entries);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }

        foreach (CancellationTokenSource quit in quits)
        {
            quit.Dispose();
        }
    }

    [Fact]
    public async Task Restart_SameDatabase_SessionsVersionsAndRoundsAreAllThere()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("durable", clients: 3, rounds: 2);
        var clients = ids.Select(id => server.Client(id)).ToList();
        await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("durable", banks[i], maxRounds: 1))).WaitAsync(Limit);
        GlobalModel before = await clients[0].GetGlobalModelAsync("durable");
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }

        await server.RestartAsync();

        ListSessionsReply sessions = await server.Admin.ListSessionsAsync(new ListSessionsRequest(), InProcessServer.AdminCall());
        SessionInfo session = Assert.Single(sessions.Sessions);
        Assert.Equal(1u, session.CompletedRounds);
        Assert.Equal(1, session.CurrentModelVersion);
        Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "durable" }, InProcessServer.AdminCall())).Rounds);
        Assert.Equal(3, (await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Count);
        using FederatedClient again = server.Client("bank-1");
        GlobalModel after = await again.GetGlobalModelAsync("durable");
        Assert.Equal(before.Weights, after.Weights);

        // The session picks up where it stopped: the second round runs after the restart.
        var resumed = ids.Select(id => server.Client(id)).ToList();
        TrainingReport[] reports = await Task.WhenAll(resumed.Select((c, i) => c.TrainAsync("durable", banks[i]))).WaitAsync(Limit);
        Assert.All(reports, r => Assert.Equal(2, r.ModelVersion));
        foreach (FederatedClient client in resumed)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task TrainAsync_ActiveMode_CompletesWithSignedSurvivorList()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(4);
        string[] ids = [.. Enumerable.Range(1, 4).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("active", clients: 4, rounds: 1, mode: Protocol.V1.SecAggMode.Active);
        var clients = ids.Select(id => server.Client(id)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("active", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(1, r.RoundsParticipated));
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Sessions_TwoAtOnce_RunIndependently()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(6);
        string[] ids = [.. Enumerable.Range(1, 6).Select(i => $"bank-{i}")];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("north", clients: 3, rounds: 2);
        await server.CreateCreditSessionAsync("south", clients: 3, rounds: 2);
        var clients = ids.Select(id => server.Client(id)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync(i < 3 ? "north" : "south", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(2, r.RoundsParticipated));
        Assert.Equal(2, (await clients[0].GetGlobalModelAsync("north")).Version);
        Assert.Equal(2, (await clients[5].GetGlobalModelAsync("south")).Version);
        Assert.NotEqual((await clients[0].GetGlobalModelAsync("north")).Weights, (await clients[5].GetGlobalModelAsync("south")).Weights);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 300 && !await condition(); i++)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>Stops a bank's training as soon as it reports a round it lost (synchronously, before it waits for another).</summary>
    private sealed class QuitAfterLoss(CancellationTokenSource quit) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (!value.Included)
            {
                quit.Cancel();
            }
        }
    }
}
