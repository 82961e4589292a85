extern alias sdk;

using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.TestingHost;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Grains;
using PrivateFl.Server.Options;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;
using SdkAnnouncement = sdk::PrivateFl.Protocol.V1.RoundAnnouncement;
using SdkCohortFloor = sdk::PrivateFl.ClientSdk.Transport.CohortFloor;
using SdkValidator = sdk::PrivateFl.ClientSdk.Transport.AnnouncementValidator;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// Issue 13, in process (Orleans TestingHost, 3 silos): each silo's front end forms cohorts from its own banks, the
/// round grain adds the cohort sums, and a killed silo costs its own cohorts, or the round when it held the round's
/// grains (the next round then commits).
/// </summary>
[Collection(SiloProcessesRunInTurn.Name)]
public sealed class ClusterRoundTests : IAsyncLifetime
{
    private const string SessionId = "cluster-session";
    private const int ModelLength = 8;
    private const double Scale = 1 << 16;
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"privatefl-cluster-{Guid.NewGuid():n}.db");
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);
    private InProcessTestCluster _cluster = null!;

    // Each silo's services, by its index at start (the cluster's list of silos shrinks when one is killed).
    private IServiceProvider[] _silos = [];

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(ISiloProbeGrain).Assembly).AddAssembly(typeof(PrivateFl.Server.PrivateFlServerApplication).Assembly));
            AddFrontEnd(silo.Services, _database);
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(ISiloProbeGrain).Assembly)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _silos = [.. _cluster.Silos.Select(s => _cluster.GetSiloServiceProvider(s.SiloAddress))];
        await Store(0).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        foreach (SigningKey key in _keys.Values)
        {
            key.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Round_2000BanksIn10CohortsOn3Silos_ReleasesExactlyTheSumOfTheirUpdates()
    {
        // 800 banks on silo 0 and 600 on each other: cohorts of at most 200 make 4 + 3 + 3 = 10 cohorts.
        int[] perSilo = [800, 600, 600];
        SessionDefinition definition = await CreateSessionAsync(perSilo.Sum(), new CohortSettingsData(200, 100, 1));
        (string Id, int Silo)[] banks = await EnrolAsync(perSilo);

        // Updates on the quantization grid (k / 2^16) quantize without rounding, so the released sum is exact: it is the
        // sum a single node computes from the same inputs.
        var random = new Random(13);
        double[][] deltas = [.. banks.Select(_ => Enumerable.Range(0, ModelLength).Select(_ => random.Next(-4096, 4096) / Scale).ToArray())];
        RoundOutcome?[] outcomes = await Task.WhenAll(banks.Select((b, i) => Task.Run(() => RunBankAsync(b.Silo, b.Id, definition, deltas[i]))));

        Assert.All(outcomes, o => Assert.Equal(1L, o!.ModelVersion));
        ModelVersionRecord model = (await Store(0).FindLatestModelAsync(SessionId, CancellationToken.None))!;
        double[] sum = [.. Enumerable.Range(0, ModelLength).Select(j => deltas.Sum(d => d[j]))];
        Assert.Equal(ModelUpdater.Apply(new double[ModelLength], sum, banks.Length, definition.Training), model.Weights.ToArray());
        RoundRecordData record = Assert.Single(await Store(0).ListRoundsAsync(SessionId, CancellationToken.None));
        Assert.Equal((RoundOutcomeKind.Completed, 2000, 0), (record.Outcome, record.Included.Count, record.Dropped.Count));

        // Ten cohorts ran, and each silo's cohorts were its own: a stage name is "front end/cohort/stage".
        string[] cohorts = [.. record.Stages.Select(s => s.Stage[..s.Stage.LastIndexOf('/')]).Distinct()];
        Assert.Equal(10, cohorts.Length);
        Assert.Equal(3, cohorts.Select(c => c[..c.LastIndexOf('/')]).Distinct().Count());
        Assert.Equal([1], (await Store(0).ListBudgetReservationsAsync(SessionId, CancellationToken.None)).Select(r => r.Charge));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(0, false)]
    public async Task Round_ASiloKilledMidRound_ItsCohortsDropOrTheNextRoundCommits(int victim, bool roundSurvives)
    {
        // Silo 0's banks wait first, so the session and round grains are placed on silo 0 (local placement).
        int[] perSilo = [40, 40, 40];
        SessionDefinition definition = await CreateSessionAsync(perSilo.Sum(), new CohortSettingsData(20, 10, 2));
        (string Id, int Silo)[] banks = await EnrolAsync(perSilo);
        double[] delta = [.. Enumerable.Range(0, ModelLength).Select(j => (j - 4) / 64.0)];
        using var cancel = new CancellationTokenSource();
        var advertised = new CountdownEvent(banks.Length);
        var runs = new List<(string Id, int Silo, Task<RoundOutcome?> Run)>();
        foreach (int silo in new[] { 0, 1, 2 })
        {
            foreach ((string id, _) in banks.Where(b => b.Silo == silo))
            {
                runs.Add((id, silo, Task.Run(() => RunBankAsync(silo, id, definition, delta, afterAdvertise: () => advertised.Signal(), retries: 2, cancel: silo == victim ? cancel.Token : CancellationToken.None))));
            }

            await Task.Delay(300);
        }

        // Mid-round: every cohort has its keys; the victim's banks vanish with it.
        Assert.True(advertised.Wait(TimeSpan.FromSeconds(60)));
        await cancel.CancelAsync();
        await _cluster.KillSiloAsync(_cluster.Silos[victim]);

        RoundOutcome?[] survivors = await Task.WhenAll(runs.Where(r => r.Silo != victim).Select(r => r.Run)).WaitAsync(TimeSpan.FromMinutes(3));
        int alive = (victim + 1) % 3;
        IReadOnlyList<RoundRecordData> rounds = await Store(alive).ListRoundsAsync(SessionId, CancellationToken.None);
        ModelVersionRecord model = (await Store(alive).FindLatestModelAsync(SessionId, CancellationToken.None))!;
        Assert.Equal(1L, model.Version);
        Assert.All(survivors, o => Assert.Equal(1L, o!.ModelVersion));
        Assert.Equal(80, model.Contributors);
        if (roundSurvives)
        {
            // The round went on without the dead silo's cohorts: 4 of 6 released, the minimum is 2.
            RoundRecordData round = Assert.Single(rounds);
            Assert.Equal((1L, RoundOutcomeKind.Completed, 80), (round.RoundNumber, round.Outcome, round.Included.Count));
            Assert.DoesNotContain(round.Included, id => banks.Single(b => b.Id == id).Silo == victim);
        }
        else
        {
            // The round's grains died with silo 0: that round released nothing (its front ends learnt that its master was
            // lost) and the next one committed without silo 0's banks.
            RoundRecordData completed = Assert.Single(rounds, r => r.Outcome == RoundOutcomeKind.Completed);
            Assert.Equal(80, completed.Included.Count);
            Assert.DoesNotContain(completed.Included, id => banks.Single(b => b.Id == id).Silo == victim);
        }
    }

    /// <summary>
    /// A round grain is memory only: an activation that was never sealed (what a reactivation after its silo died is)
    /// knows no round, so it refuses the reservation, which the front end turns into an abort before unmasking, and
    /// refuses every report; nothing is charged, recorded or released (docs/claims.md C12).
    /// </summary>
    [Fact]
    public async Task RoundGrain_ActivatedWithoutItsSeal_RefusesTheReservationAndEveryReportAndStoresNothing()
    {
        await CreateSessionAsync(9, new CohortSettingsData(3, 3, 1));
        var slot = new PrivateFl.Cluster.Rounds.RoundSlot(PrivateFl.Cluster.Rounds.RoundSlotStatus.Open, SessionId, 1, Guid.NewGuid().ToString("n"), 0, 0, 0, string.Empty);
        PrivateFl.Cluster.Rounds.IRoundGrain round = _cluster.Client.GetGrain<PrivateFl.Cluster.Rounds.IRoundGrain>(slot.RoundKey);

        Assert.False(await round.IsKnownAsync());
        Assert.Equal(-1, await round.ReserveBudgetAsync("front-end", 1));
        var report = new PrivateFl.Cluster.Rounds.FrontEndReport("front-end", ["a", "b", "c"], [new PrivateFl.Cluster.Rounds.CohortSum(0, 3, 2, new uint[ModelLength], ["a", "b", "c"])], [], [], [], 2, 2, 0);
        PrivateFl.Cluster.Rounds.RoundEnd end = await round.ReportAsync(report);
        Assert.False(end.Released);
        Assert.Contains("master was lost", end.AbortReason, StringComparison.Ordinal);

        // A front end's cohorts asking this grain for the reservation abort at MaskedInput: no survivor list goes out.
        SessionRuntime session = await Silo(1).GetRequiredService<SessionRegistry>().GetAsync(SessionId, CancellationToken.None);
        RoundAbortedException refused = await Assert.ThrowsAsync<RoundAbortedException>(() => Silo(1).GetRequiredService<IRoundCoordination>().ReserveBudgetAsync(session, slot, 1));
        Assert.Equal(RoundStage.MaskedInput, refused.Stage);

        Assert.Empty(await Store(0).ListBudgetReservationsAsync(SessionId, CancellationToken.None));
        Assert.Empty(await Store(0).ListRoundsAsync(SessionId, CancellationToken.None));
        Assert.Equal(0L, (await Store(0).FindLatestModelAsync(SessionId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task Round_OneFrontEndFormsFewerCohortsThanTheMinimum_AbortsBeforeAnyReservation()
    {
        // Three banks on silo 0 only: one cohort of three joins a round that needs two, on a cluster of three silos.
        SessionDefinition definition = await CreateSessionAsync(9, new CohortSettingsData(3, 3, 2));
        (string Id, int Silo)[] banks = await EnrolAsync([3, 0, 0]);
        double[] delta = [.. Enumerable.Range(0, ModelLength).Select(j => j / 64.0)];

        Task<RoundOutcome?>[] runs = [.. banks.Select(b => Task.Run(() => RunBankAsync(b.Silo, b.Id, definition, delta)))];

        // Assert: the round aborts before its cohort unmasks, so it spends no budget.
        foreach (Task<RoundOutcome?> run in runs)
        {
            CoordinatorException refused = await Assert.ThrowsAsync<CoordinatorException>(() => run.WaitAsync(TimeSpan.FromMinutes(1)));
            Assert.Equal(ErrorReasons.RoundAborted, refused.Reason);
        }

        Assert.Empty(await Store(0).ListBudgetReservationsAsync(SessionId, CancellationToken.None));
        RoundRecordData round = Assert.Single(await Store(0).ListRoundsAsync(SessionId, CancellationToken.None));
        Assert.Equal((RoundOutcomeKind.Aborted, 3, (long?)null), (round.Outcome, round.Participants.Count, round.ModelVersion));
        Assert.Equal(0L, (await Store(0).FindLatestModelAsync(SessionId, CancellationToken.None))!.Version);
    }

    /// <summary>
    /// The server chooses cohort membership, so the banks enforce the cohort size themselves: every bank of a round
    /// formed on three silos checks its own cohort's announcement as the SDK does, accepts it at the session's minimum,
    /// and refuses it (naming the cohort) when its own floor is above its cohort's size.
    /// </summary>
    [Fact]
    public async Task Round_OnThreeSilos_EveryBankChecksItsCohortsSize_AndABankWhoseFloorIsAboveItRefuses()
    {
        // Four banks per silo: each front end forms one cohort of four (at least three, at least two cohorts per round).
        int[] perSilo = [4, 4, 4];
        SessionDefinition definition = await CreateSessionAsync(perSilo.Sum(), new CohortSettingsData(4, 3, 2));
        (string Id, int Silo)[] banks = await EnrolAsync(perSilo);
        TrainingCoordinator[] frontEnds = [FrontEnd(0), FrontEnd(1), FrontEnd(2)];

        RoundTicket[] tickets = await Task.WhenAll(banks.Select(b => Task.Run(() => frontEnds[b.Silo].WaitForRoundAsync(SessionId, b.Id, definition.SchemaHash, CancellationToken.None)))).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(3, tickets.Select(t => (t.Cohort, string.Join(',', t.Participants.Select(p => p.ClientId)))).Distinct().Count());
        for (int i = 0; i < banks.Length; i++)
        {
            SdkAnnouncement wire = SdkAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(tickets[i]).ToByteArray());
            byte[] key = tickets[i].Participants.Single(p => p.Index == tickets[i].Index).IdentityPublicKey;
            Assert.Equal(4, tickets[i].Participants.Count);

            _ = SdkValidator.ValidatePlan(wire, SessionId, banks[i].Id, key, ModelLength, cohortFloor: new SdkCohortFloor(definition.MinimumCohortSize, 3));
            Exception refused = Assert.ThrowsAny<Exception>(() => SdkValidator.ValidatePlan(wire, SessionId, banks[i].Id, key, ModelLength, cohortFloor: new SdkCohortFloor(definition.MinimumCohortSize, 5)));
            Assert.IsType<sdk::PrivateFl.ClientSdk.FederationException>(refused, exactMatch: false);
            Assert.Contains("cohort", refused.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static void AddFrontEnd(IServiceCollection services, string database)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new StorageOptions { DatabasePath = database }));
        services.AddSingleton(Options.Create(new RoundOptions { MinimumClients = 3, GatherWindow = TimeSpan.FromSeconds(1), CohortFormationWindow = TimeSpan.FromSeconds(4), StageDeadline = TimeSpan.FromMinutes(2) }));
        services.AddSingleton<IFederationStore, SqliteFederationStore>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<RoundReleaser>();
        services.AddSingleton<IRoundCoordination>(p => new GrainRoundCoordination(p.GetRequiredService<IGrainFactory>(), p.GetRequiredService<ILocalSiloDetails>(), p.GetRequiredService<IFederationStore>(), p.GetRequiredService<IClusterMembershipService>()));
        services.AddSingleton<RoundOpener>();
        services.AddSingleton<TrainingCoordinator>();
        if (Environment.GetEnvironmentVariable("PRIVATEFL_TEST_LOG") is null)
        {
            services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        }
        else
        {
            services.AddLogging(logging => logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Information).AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning));
        }
    }

    private IServiceProvider Silo(int index) => _silos[index];

    private IFederationStore Store(int silo) => Silo(silo).GetRequiredService<IFederationStore>();

    private TrainingCoordinator FrontEnd(int silo) => Silo(silo).GetRequiredService<TrainingCoordinator>();

    private async Task<SessionDefinition> CreateSessionAsync(int maximumClients, CohortSettingsData cohorts)
    {
        var definition = new SessionDefinition(
            SessionId,
            "test-schema",
            new string('a', 64),
            "logistic-regression",
            ModelLength,
            5,
            3,
            maximumClients,
            new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Harary, 0.3, 0, 40, 20),
            new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, Scale, 1.0, 1.0),
            new PrivacySettingsData(DpModeKind.None, 0, 0, 0),
            0,
            Cohorts: cohorts);
        Assert.NotNull(await Silo(0).GetRequiredService<SessionRegistry>().CreateAsync(definition, new double[ModelLength], CancellationToken.None));
        return definition;
    }

    private async Task<(string Id, int Silo)[]> EnrolAsync(int[] perSilo)
    {
        var banks = new List<(string, int)>();
        for (int silo = 0; silo < perSilo.Length; silo++)
        {
            for (int i = 0; i < perSilo[silo]; i++)
            {
                string id = $"bank-{silo}-{i:D4}";
                var key = SigningKey.Generate();
                _keys[id] = key;
                Assert.True(await Store(0).EnrollClientAsync(new EnrolledClient(id, key.PublicKey.ToArray(), false, 0), CancellationToken.None));
                banks.Add((id, silo));
            }
        }

        return [.. banks];
    }

    // One bank through a round on its silo's front end, as the SDK would (without gRPC); it joins the next round after
    // an aborted one, at most `retries` times.
    private async Task<RoundOutcome?> RunBankAsync(int silo, string clientId, SessionDefinition definition, double[] delta, Action? afterAdvertise = null, int retries = 0, CancellationToken cancel = default)
    {
        // Resolved once, before any kill: a killed silo leaves the cluster's list, so an index read afterwards names
        // another silo, or none (a retry of silo 2's bank after silo 0 died failed with an index out of range).
        TrainingCoordinator frontEnd = FrontEnd(silo);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(frontEnd, clientId, definition, delta, attempt == 0 ? afterAdvertise : null, cancel);
            }
            catch (CoordinatorException ex) when (ex.Reason == ErrorReasons.RoundAborted && attempt < retries)
            {
            }
            catch (Exception) when (cancel.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private static async Task<RoundOutcome?> RunOnceAsync(TrainingCoordinator coordinator, string clientId, SessionDefinition definition, double[] delta, Action? afterAdvertise, CancellationToken cancel)
    {
        RoundTicket ticket = await coordinator.WaitForRoundAsync(SessionId, clientId, definition.SchemaHash, cancel);
        using var session = new ClientSession(ticket.Parameters, ticket.Index);
        uint[] encoded = new uint[ModelLength];
        UpdateEncoding.Quantizer(definition.Training, ticket.Participants.Count).Encode(delta, encoded);
        var directory = await coordinator.AdvertiseKeysAsync(SessionId, ticket.RoundNumber, clientId, session.AdvertiseKeys(), cancel);
        afterAdvertise?.Invoke();
        var delivery = await coordinator.ShareKeysAsync(SessionId, ticket.RoundNumber, clientId, session.ShareKeys(directory).Shares, cancel);
        var masked = session.MaskInput(delivery, encoded);
        var survivors = await coordinator.SubmitMaskedInputAsync(SessionId, ticket.RoundNumber, clientId, masked.Vector.ToArray(), masked.Complaints ?? [], cancel);
        var shares = session.Unmask(survivors);
        var reply = await coordinator.UnmaskAsync(SessionId, ticket.RoundNumber, clientId, shares.Shares, shares.PairPoints ?? [], cancel);
        return reply.Outcome ?? await coordinator.ExpelAsync(SessionId, ticket.RoundNumber, clientId, session.Expel(reply.Expulsion!).PairPoints, cancel);
    }
}
