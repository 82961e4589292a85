using System.Net;
using System.Net.Sockets;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>The SDK's errors say what is wrong: an unreachable server, a schema mismatch, an ended session.</summary>
public sealed class ClientErrorTests
{
    [Fact]
    public async Task GetSession_NothingListening_ServerUnavailableAfterRetries()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var key = SigningKey.Generate();
        using var client = new FederatedClient(new FederatedClientOptions { ServerAddress = new Uri($"http://127.0.0.1:{port}"), ClientId = "bank-1", MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) }, key);

        var ex = await Assert.ThrowsAsync<ServerUnavailableException>(() => client.GetSessionAsync("s"));

        Assert.Contains("unreachable after 2 retries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_DataOfAnotherSchema_SchemaMismatch()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAsync("bank-1");
        FeatureSchema other = new("age-only", 1, [FeatureColumn.Numeric("Age", 18, 100)], "Risk", "bad", "good");
        await server.Admin.CreateSessionAsync(
            new CreateSessionRequest
            {
                SessionId = "other",
                SchemaName = other.Name,
                SchemaHash = other.Hash,
                ModelLength = (uint)(other.EncodedLength + 1),
                TotalRounds = 1,
                MinimumClients = 3,
                MaximumClients = 3,
                SecAgg = new SecAggSettings { Mode = SecAggMode.SemiHonest, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.3 },
                Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 10, ClipNorm = 1, QuantizationScale = 1000, ServerLearningRate = 1, SamplingRate = 1 },
            },
            InProcessServer.AdminCall());
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        using FederatedClient client = server.Client("bank-1");

        var ex = await Assert.ThrowsAsync<SchemaMismatchException>(() => client.TrainAsync("other", banks[0]));

        Assert.Contains("age-only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_UnknownSession_SessionEnded()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAsync("bank-1");
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        using FederatedClient client = server.Client("bank-1");

        var ex = await Assert.ThrowsAsync<SessionEndedException>(() => client.TrainAsync("no-such-session", banks[0]));

        Assert.Contains("no-such-session", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainAsync_SessionAlreadyCompleted_ReturnsWithoutJoining()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);

        await server.CreateCreditSessionAsync("done", clients: 3, rounds: 1);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        var clients = ids.Select(id => server.Client(id)).ToList();
        TrainingReport[] trained = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("done", banks[i])));

        TrainingReport late = await clients[0].TrainAsync("done", banks[0]);

        Assert.All(trained, r => Assert.False(r.TrainedNoRounds));
        Assert.Equal(0, late.RoundsParticipated);
        Assert.True(late.TrainedNoRounds);
        Assert.StartsWith("No round was trained.", late.StopMessage, StringComparison.Ordinal);
        Assert.Contains("already run all its rounds when training started", late.StopMessage, StringComparison.Ordinal);
        Assert.Equal(1, late.ModelVersion);
        Assert.False((await clients[0].GetSessionAsync("done")).IsActive);
        Assert.Equal(TrainingSessionState.Completed, (await clients[0].GetSessionAsync("done")).State);
        Assert.Equal(TrainingStopReason.SessionCompleted, late.StopReason);
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }
}
