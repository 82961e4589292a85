extern alias sdk;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using sdk::PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;
using PrivateFl.Tests.Postgres;
using Xunit.Abstractions;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// Issue 13, out of process: three server processes on loopback with a throwaway PostgreSQL for membership and store,
/// banks of the SDK on each process's gRPC port, one process killed with SIGKILL mid-round; the next round commits.
/// </summary>
[Collection(SiloProcessesRunInTurn.Name)]
public sealed class SiloProcessRoundTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminKey = "cluster-test-admin-key-0123456789";
    private const string SessionId = "oop-session";
    private const int BanksPerSilo = 4;

    // Seven numeric features: logistic regression has d = 8 weights.
    private static readonly FeatureSchema Schema = FeatureSchema.FromJson(
        """
        {"name": "cluster-test", "version": 1,
         "columns": [
           {"name": "f1", "kind": "numeric", "min": 0, "max": 1}, {"name": "f2", "kind": "numeric", "min": 0, "max": 1},
           {"name": "f3", "kind": "numeric", "min": 0, "max": 1}, {"name": "f4", "kind": "numeric", "min": 0, "max": 1},
           {"name": "f5", "kind": "numeric", "min": 0, "max": 1}, {"name": "f6", "kind": "numeric", "min": 0, "max": 1},
           {"name": "f7", "kind": "numeric", "min": 0, "max": 1}],
         "label": {"column": "Risk", "positive": "bad", "negative": "good"}}
        """);

    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("n");
    private readonly string _ledgers = Path.Combine(Path.GetTempPath(), $"privatefl-oop-ledgers-{Guid.NewGuid():n}");
    private readonly List<SiloProcess> _silos = [];
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);
    private PostgresTestServer? _postgres;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestServer.GetAsync();
        _connectionString = await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (SiloProcess silo in _silos)
        {
            silo.Dispose();
        }

        foreach (SigningKey key in _keys.Values)
        {
            key.Dispose();
        }

        if (Directory.Exists(_ledgers))
        {
            Directory.Delete(_ledgers, recursive: true);
        }

        if (_postgres is not null && _connectionString.Length > 0)
        {
            await _postgres.DropDatabaseAsync(_connectionString);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public async Task Round_ASiloProcessKilledMidRound_TheNextRoundCommits(int victim)
    {
        // Arrange: three silos; the session asks for 2 of the round's cohorts, so it can lose one process's cohort.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            _silos.Add(SiloProcess.Start($"silo-{i}", _clusterId, _connectionString, new Dictionary<string, string>
            {
                ["RoundOptions__MinimumClients"] = "3",
                ["RoundOptions__GatherWindow"] = "00:00:01",
                ["RoundOptions__CohortFormationWindow"] = "00:00:03",
                ["RoundOptions__StageDeadline"] = "00:00:10",
            }));
        }

        await MembershipTable.WaitUntilAsync(_connectionString, _clusterId, rows => rows.Count(r => r.Status == MembershipTable.Active) == 3, TimeSpan.FromSeconds(90), Diagnostics);
        await WaitForGrpcAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"Cluster of 3 formed and serving in {clock.Elapsed.TotalSeconds:F1} s.");
        using var admin = new AdminCalls(Address(0), AdminKey);
        (string Id, int Silo)[] banks = [.. Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, BanksPerSilo).Select(i => ($"bank-{s}-{i}", s)))];
        foreach ((string id, _) in banks)
        {
            var key = SigningKey.Generate();
            _keys[id] = key;
            await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = id, IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey) });
        }

        await admin.CreateSessionAsync(SessionRequest(banks.Length));

        // Act: silo 0's banks first, and the others' once silo 0 has joined the round, so the session and round grains
        // live on silo 0 (local placement); once every bank holds its cohort's key directory, the victim's banks vanish
        // and its process is killed.
        using var joined = new CountdownEvent(BanksPerSilo);
        using var advertised = new CountdownEvent(banks.Length);
        using var cancelVictim = new CancellationTokenSource();
        var runs = new List<(string Id, int Silo, Task<TrainingReport?> Run)>();
        foreach (int silo in new[] { 0, 1, 2 })
        {
            if (silo == 1)
            {
                Assert.True(joined.Wait(TimeSpan.FromSeconds(60)), $"Silo 0 opened no round. {Diagnostics()}");
            }

            foreach ((string id, _) in banks.Where(b => b.Silo == silo))
            {
                CancellationToken cancel = silo == victim ? cancelVictim.Token : CancellationToken.None;
                Action admitted = silo == 0 ? () => joined.Signal() : () => { };
                runs.Add((id, silo, Task.Run(() => TrainAsync(id, silo, admitted, () => advertised.Signal(), cancel))));
            }
        }

        Assert.True(advertised.Wait(TimeSpan.FromSeconds(60)), $"Not every bank received its key directory. {Diagnostics()}");
        await cancelVictim.CancelAsync();
        _silos[victim].Kill();
        clock.Restart();
        TrainingReport?[] reports = await Task.WhenAll(runs.Where(r => r.Silo != victim).Select(r => r.Run)).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"The survivors' banks finished the session {clock.Elapsed.TotalSeconds:F1} s after SIGKILL.");

        // Assert: every survivor trained to the session's end on the second model version.
        string[] victims = [.. banks.Where(b => b.Silo == victim).Select(b => b.Id)];
        Assert.All(reports, r => Assert.Equal((TrainingStopReason.SessionCompleted, 2L), (r!.StopReason, r.ModelVersion)));
        await using var store = new PostgresFederationStore(Options.Create(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = _connectionString }));
        IReadOnlyList<RoundRecordData> rounds = await store.ListRoundsAsync(SessionId, CancellationToken.None);
        foreach (RoundRecordData round in rounds)
        {
            output.WriteLine($"Round {round.RoundNumber}: {round.Outcome} ({round.AbortReason}), {round.Included.Count} included, model {round.ModelVersion}.");
        }

        // The round killed mid-way released without the victim's banks, or not at all; the next one committed without them.
        RoundRecordData[] completed = [.. rounds.Where(r => r.Outcome == RoundOutcomeKind.Completed).OrderBy(r => r.RoundNumber)];
        Assert.Equal([1L, 2L], completed.Select(r => r.ModelVersion!.Value));
        Assert.All(completed, r => Assert.DoesNotContain(r.Included, victims.Contains));
        Assert.Equal(2 * BanksPerSilo, completed[^1].Included.Count);
        Assert.All(rounds.Where(r => r.Outcome != RoundOutcomeKind.Completed), r => Assert.Null(r.ModelVersion));
        Assert.Equal(rounds.Count, rounds.Select(r => r.RoundNumber).Distinct().Count());
        ModelVersionRecord model = (await store.FindLatestModelAsync(SessionId, CancellationToken.None))!;
        Assert.Equal((2L, completed[^1].RoundNumber, 2 * BanksPerSilo), (model.Version, model.RoundNumber, model.Contributors));

        // The budget was reserved once per round that reached its unmasking, and every committed round had its reservation.
        IReadOnlyList<BudgetReservation> reservations = await store.ListBudgetReservationsAsync(SessionId, CancellationToken.None);
        output.WriteLine($"Budget reservations (round: charge): {string.Join(", ", reservations.Select(r => $"{r.RoundNumber}: {r.Charge}"))}.");
        Assert.Equal(reservations.Count, reservations.Select(r => r.RoundNumber).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, reservations.Count), reservations.Select(r => r.Charge));
        Assert.Equal(reservations.Select(r => r.RoundNumber).Order(), reservations.Select(r => r.RoundNumber));
        Assert.All(completed, r => Assert.Contains(r.RoundNumber, reservations.Select(x => x.RoundNumber)));
        Assert.All(reservations, r => Assert.Contains(r.RoundNumber, rounds.Select(x => x.RoundNumber)));
        Assert.Equal(completed.Select(r => r.RoundNumber), (await store.ListLedgerAsync(SessionId, CancellationToken.None)).Select(e => e.RoundNumber));

        // The admin API of a survivor says the same.
        using var survivor = new AdminCalls(Address((victim + 1) % 3), AdminKey);
        SessionInfo session = await survivor.GetSessionAsync(SessionId);
        Assert.Equal((Protocol.V1.SessionState.Completed, 2L, 2u), (session.SessionState, session.CurrentModelVersion, session.CompletedRounds));
        Assert.Equal(rounds.Count, (await survivor.ListRoundsAsync(SessionId)).Rounds.Count);
        Assert.False(_silos.Where((_, i) => i != victim).Any(s => s.HasExited), Diagnostics());
    }

    private static CreateSessionRequest SessionRequest(int banks) => new()
    {
        SessionId = SessionId,
        SchemaJson = Schema.ToJson(),
        SchemaName = Schema.Name,
        SchemaHash = Schema.Hash,
        ModelLength = (uint)(Schema.EncodedLength + 1),
        TotalRounds = 2,
        MinimumClients = 3,
        MaximumClients = (uint)banks,
        SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Complete, DropoutRate = 0.3, CorruptedFraction = 0 },
        Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 100, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 },
        Privacy = new PrivacySettings { Mode = DpMode.None },
        Cohorts = new CohortSettings { CohortSize = BanksPerSilo, MinimumCohortSize = 3, MinimumCohorts = 2 },
    };

    private async Task<TrainingReport?> TrainAsync(string id, int silo, Action admitted, Action keysAdvertised, CancellationToken cancel)
    {
        var options = new FederatedClientOptions { ServerAddress = Address(silo), ClientId = id, TrainingSeed = 7, MaxRetries = 3, LedgerDirectory = Path.Combine(_ledgers, id) };
        options.Interceptors.Add(new StageWatch(admitted, keysAdvertised));
        using var client = new FederatedClient(options, _keys[id]);
        try
        {
            return await client.TrainAsync(SessionId, Data(id), cancellationToken: cancel);
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            // The victim's banks go with it.
            return null;
        }
    }

    // 40 rows on the schema's grid: a bank's own data, the same for a bank in every run.
    private static CreditDataset Data(string id)
    {
        var random = new Random(id.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
        var csv = new StringBuilder("f1,f2,f3,f4,f5,f6,f7,Risk\n");
        for (int row = 0; row < 40; row++)
        {
            double[] x = [.. Enumerable.Range(0, 7).Select(_ => Math.Round(random.NextDouble(), 3))];
            csv.Append(string.Join(',', x.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Append(',').Append(x[0] + x[1] > 1 ? "bad" : "good").Append('\n');
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        return DatasetLoader.LoadCsv(stream, Schema);
    }

    private Uri Address(int silo) => new($"http://127.0.0.1:{_silos[silo].HttpPort}");

    // The gRPC listener starts after the silo joins: each process answers an admin call before banks are sent to it.
    private async Task WaitForGrpcAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        for (int silo = 0; silo < _silos.Count; silo++)
        {
            using var admin = new AdminCalls(Address(silo), AdminKey);
            while (true)
            {
                try
                {
                    await admin.ListRoundsAsync("none");
                    break;
                }
                catch (Grpc.Core.RpcException ex) when (ex.StatusCode != Grpc.Core.StatusCode.Unavailable)
                {
                    break;
                }
                catch (Grpc.Core.RpcException) when (clock.Elapsed < timeout)
                {
                    await Task.Delay(200);
                }
            }
        }
    }

    private string Diagnostics() => string.Join(" | ", _silos.Select(s => $"{s.Name} (exited: {s.HasExited}): {Tail(s.Output)}"));

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}
