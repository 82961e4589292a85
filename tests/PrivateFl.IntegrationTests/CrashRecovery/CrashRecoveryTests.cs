using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.CrashRecovery;

/// <summary>
/// The server process is killed with SIGKILL at random points of many rounds while three SDK banks train. After
/// every kill the database is intact, model versions are contiguous, each has its round record and ledger entry, no
/// version the server had reported is lost, and after the restart training resumes (the next round commits).
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const string Session = "crash";
    private const int Kills = 10;
    private static readonly string[] Banks = ["bank-1", "bank-2", "bank-3"];
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Server_SigkilledAtRandomPointsOfRounds_DatabaseIntactVersionsContiguousAndTrainingResumes()
    {
        // Arrange
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var log = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"seed {seed}");
        string directory = Path.Combine(Path.GetTempPath(), $"privatefl-crash-{Guid.NewGuid():n}");
        Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "server.db");
        using var server = new ServerProcess(database, ["--RoundOptions:MinimumClients=3", "--RoundOptions:GatherWindow=00:00:00.200", "--RoundOptions:StageDeadline=00:00:03"]);
        using var stop = new CancellationTokenSource();
        var clients = new List<FederatedClient>();
        var banks = new List<Task>();
        try
        {
            await server.StartAsync(RoundTimeout);
            using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
            var admin = new Admin.AdminClient(channel);
            (IReadOnlyList<CreditDataset> data, _) = CreditData.Split(Banks.Length);
            foreach (string bank in Banks)
            {
                var key = SigningKey.Generate();
                await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = bank, IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey) }, ServerProcess.AdminCall());
                clients.Add(new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = bank, TrainingSeed = 7, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(100), LedgerDirectory = Path.Combine(directory, bank) }, key));
            }

            await admin.CreateSessionAsync(
                InProcessServer.CreditSessionRequest(
                    Session,
                    Banks.Length,
                    rounds: 1000,
                    new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.5, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                    new PrivacySettings { Mode = DpMode.None }),
                ServerProcess.AdminCall());
            banks.AddRange(clients.Select((c, i) => TrainForeverAsync(c, data[i], stop.Token)));

            for (int kill = 1; kill <= Kills; kill++)
            {
                // Act: wait for the next commit (training has resumed), then kill at a random point of the rounds after it.
                long reported = await WaitForNextCommitAsync(server, log);
                int delayMs = random.Next(0, 1500);
                await Task.Delay(delayMs);
                long lastSeen = await CurrentVersionAsync(server) ?? reported;
                await server.KillAsync();

                // Assert
                (long latest, List<string> problems) = DatabaseAudit.Check(database, Session);
                log.AppendLine(CultureInfo.InvariantCulture, $"kill {kill}: {delayMs} ms after version {reported} committed; last reported {lastSeen}; database holds {latest}");
                Assert.True(problems.Count == 0, $"{log}{string.Join(Environment.NewLine, problems)}\n{server.RecentOutput}");
                Assert.True(latest >= lastSeen, $"{log}version {lastSeen} was reported before the kill but is gone.\n{server.RecentOutput}");
                await server.StartAsync(RoundTimeout);
            }

            long final = await WaitForNextCommitAsync(server, log);
            log.AppendLine(CultureInfo.InvariantCulture, $"after the last restart version {final} committed");
            output.WriteLine(log.ToString());
            Assert.True(final >= Kills, log.ToString());
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(banks);
            foreach (FederatedClient client in clients)
            {
                client.Dispose();
            }

            server.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A bank that keeps training: whatever a crash makes TrainAsync throw, it starts again.</summary>
    private static async Task TrainForeverAsync(FederatedClient client, CreditDataset data, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client.TrainAsync(Session, data, cancellationToken: stop);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private static async Task<long?> CurrentVersionAsync(ServerProcess server)
    {
        try
        {
            using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
            SessionInfo session = await new Admin.AdminClient(channel).GetSessionAsync(new GetSessionRequest { SessionId = Session }, ServerProcess.AdminCall());
            return session.CurrentModelVersion;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>Waits until the session's model version goes past the one the (re)started server reports first.</summary>
    private static async Task<long> WaitForNextCommitAsync(ServerProcess server, StringBuilder log)
    {
        long start = await CurrentVersionAsync(server) ?? throw new InvalidOperationException($"{log}The server does not answer.\n{server.RecentOutput}");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RoundTimeout)
        {
            long? now = await CurrentVersionAsync(server);
            if (now > start)
            {
                return now.Value;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{log}No round committed within {RoundTimeout} after version {start}: training did not resume.\n{server.RecentOutput}");
        return start;
    }
}
