using System.Text.Json;
using Grpc.Core;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Budgets enforced on both sides, ledgers that survive restarts, and refused configurations.</summary>
public sealed class DifferentialPrivacyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Session_BudgetForTwoRounds_StopsOpeningRoundsAndRecordsEpsilon()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);

        // σ such that two full-batch rounds spend just under ε = 1: a third would exceed it.
        double sigma = RdpAccountant.CalibrateNoise(1, 2, 1.0, 1e-5);
        await server.CreateDpSessionAsync("budget", clients: 3, rounds: 10, epsilonBudget: 1.0, noiseMultiplier: sigma);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        var clients = ids.Select(id => server.Client(id, maxEpsilon: 50)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("budget", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(2, r.RoundsParticipated));
        Assert.All(reports, r => Assert.Equal(TrainingStopReason.SessionBudgetExhausted, r.StopReason));
        Assert.All(reports, r => Assert.Contains("spent its privacy budget", r.StopMessage, StringComparison.Ordinal));
        SessionInfo session = await server.Admin.GetSessionAsync(new GetSessionRequest { SessionId = "budget" }, InProcessServer.AdminCall());
        Assert.Equal(SessionState.BudgetExhausted, session.SessionState);
        Assert.Equal(TrainingSessionState.BudgetExhausted, (await clients[0].GetSessionAsync("budget")).State);
        TrainingReport late = await clients[0].TrainAsync("budget", banks[0]);
        Assert.Equal(TrainingStopReason.SessionBudgetExhausted, late.StopReason);
        Assert.True(late.TrainedNoRounds);
        Assert.Equal("No round was trained. The session had already spent its privacy budget when training started.", late.StopMessage);
        Assert.Equal(2u, session.CompletedRounds);
        PrivacyLedgerReply ledger = await server.Admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = "budget" }, InProcessServer.AdminCall());
        Assert.Equal(2, ledger.Entries.Count);
        Assert.True(ledger.Entries[0].EpsilonSpentTotal < ledger.Entries[1].EpsilonSpentTotal);
        Assert.InRange(ledger.Entries[1].EpsilonSpentTotal, 0.99, 1.0);
        Assert.Equal(2, session.CurrentModelVersion);
        GlobalModel released = await clients[0].GetGlobalModelAsync("budget");
        Assert.Equal(ledger.Entries[1].EpsilonSpentTotal, released.EpsilonSpent, 12);
        Assert.Equal(1e-5, released.Delta);
        using JsonDocument parameters = JsonDocument.Parse(released.PrivacyParametersJson);
        Assert.Equal(sigma, parameters.RootElement.GetProperty("noiseMultiplier").GetDouble(), 12);
        Assert.True(parameters.RootElement.GetProperty("clientNoiseSigma").GetDouble() > 0);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Client_OwnBudgetSpent_RefusesFurtherRoundsEvenWhenTheServerAsks_AndRemembersAfterRestart()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(stageDeadline: TimeSpan.FromSeconds(2));
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);

        // The server would run 4 rounds (its budget is lax); each bank allows itself only what one round costs.
        double sigma = 3;
        double oneRound = RdpAccountant.Epsilon(1, sigma, 1, 1e-5);
        double ownBudget = (oneRound + RdpAccountant.Epsilon(1, sigma, 2, 1e-5)) / 2;
        await server.CreateDpSessionAsync("lax", clients: 3, rounds: 4, epsilonBudget: 100, noiseMultiplier: sigma);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        var clients = ids.Select(id => server.Client(id, maxEpsilon: ownBudget)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("lax", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(1, r.RoundsParticipated));
        Assert.All(reports, r => Assert.Equal(TrainingStopReason.LocalBudgetExhausted, r.StopReason));
        Assert.All(reports, r => Assert.Contains("own privacy budget", r.StopMessage, StringComparison.Ordinal));
        Assert.All(reports, r => Assert.Equal(oneRound, r.LocalEpsilonSpent, 9));
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }

        // New client processes, same ledger folders: they still refuse.
        var restarted = ids.Select(id => server.Client(id, maxEpsilon: ownBudget)).ToList();
        TrainingReport[] again = await Task.WhenAll(restarted.Select((c, i) => c.TrainAsync("lax", banks[i]))).WaitAsync(Limit);
        Assert.All(again, r => Assert.Equal(0, r.RoundsParticipated));
        Assert.All(again, r => Assert.True(r.TrainedNoRounds));
        Assert.All(again, r => Assert.StartsWith("No round was trained.", r.StopMessage, StringComparison.Ordinal));
        Assert.All(again, r => Assert.Equal(TrainingStopReason.LocalBudgetExhausted, r.StopReason));
        Assert.All(again, r => Assert.Contains("own privacy budget", r.StopMessage, StringComparison.Ordinal));
        foreach (FederatedClient client in restarted)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task ClientLevel_SecretSelfSampling_AccountsWithTheSamplingRateOnBothSides()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);

        SessionInfo session = await server.Admin.CreateSessionAsync(
            InProcessServer.CreditSessionRequest(
                "client-level",
                clients: 3,
                rounds: 3,
                new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 5, LearningRate = 0.5, BatchSize = 1000, ClipNorm = 2, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 0.5 },
                new PrivacySettings { Mode = DpMode.ClientLevel, EpsilonBudget = 8, Delta = 1e-5 }),
            InProcessServer.AdminCall());
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        var clients = ids.Select(id => server.Client(id, maxEpsilon: 10)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("client-level", banks[i]))).WaitAsync(Limit);

        // Every bank takes part in every round (sampled or not, it sends its noise), and both ledgers amplify by q = 0.5
        // with the distributed-discrete-Gaussian analysis (ZW19 Thm. 5), not the continuous Gaussian's (MTZ19), whose ε
        // is lower at the same σ; at σ_client ≥ 4 the discreteness term τ moves no digit.
        double expected = DdgAccountant.Epsilon(new DdgRound(0.5, session.Privacy.NoiseMultiplier, DdgDiscreteness.None), 3, 1e-5);
        Assert.All(reports, r => Assert.Equal(3, r.RoundsParticipated));
        Assert.All(reports, r => Assert.Equal(expected, r.LocalEpsilonSpent, 9));
        Assert.Equal(expected, (await clients[0].GetGlobalModelAsync("client-level")).EpsilonSpent, 9);
        Assert.True(expected < DdgAccountant.Epsilon(new DdgRound(1, session.Privacy.NoiseMultiplier, DdgDiscreteness.None), 3, 1e-5));
        Assert.True(expected > RdpAccountant.Epsilon(0.5, session.Privacy.NoiseMultiplier, 3, 1e-5));
        Assert.InRange(expected, 0.99 * 8, 8);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    [Theory]
    [InlineData(0.0, 1e-5, 1.0, 1.0, "privacy.epsilon_budget")]
    [InlineData(1.0, 0.01, 1.0, 1.0, "privacy.delta")]
    [InlineData(1.0, 1e-5, 0.0, 1.0, "training.clip_norm")]
    [InlineData(1.0, 1e-5, 1.0, double.NaN, "privacy.noise_multiplier")]
    [InlineData(1.0, 1e-5, 1.0, 1e6, "training.quantization_scale")]
    public async Task CreateSession_BadPrivacyConfiguration_RefusedNamingTheSetting(double epsilon, double delta, double clip, double sigma, string field)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        CreateSessionRequest request = InProcessServer.CreditSessionRequest(
            "bad",
            clients: 10,
            rounds: 10,
            new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 100, ClipNorm = clip, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 },
            new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = epsilon, Delta = delta, NoiseMultiplier = sigma },
            minimumClients: 3);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSessionAsync(request, InProcessServer.AdminCall()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field, ex.Status.Detail, StringComparison.Ordinal);
    }
}
