using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>A coordinator on a temporary SQLite file and a fake clock, with in-process clients that speak to it directly.</summary>
internal sealed class CoordinatorFixture : IDisposable
{
    public const string SessionId = "test-session";
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"privatefl-test-{Guid.NewGuid():n}.db");
    private readonly Dictionary<string, SigningKey> _identities = [];

    public CoordinatorFixture(int clients, int modelLength = 8, int totalRounds = 5, SecAggMode mode = SecAggMode.SemiHonest, int? maximumClients = null, Func<IFederationStore, IFederationStore>? wrapStore = null, CohortSettingsData? cohorts = null, PrivateFl.Server.Observability.ServerMetrics? metrics = null)
    {
        IFederationStore sqlite = new SqliteFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DatabasePath = _databasePath }));
        Store = wrapStore?.Invoke(sqlite) ?? sqlite;
        Store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        Options = new RoundOptions { MinimumClients = 3, GatherWindow = TimeSpan.FromSeconds(2), StageDeadline = TimeSpan.FromSeconds(10) };
        Registry = new SessionRegistry(Store);
        Releaser = new RoundReleaser(Registry, Store, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<RoundReleaser>.Instance, metrics);
        Coordination = new LocalRoundCoordination(Registry, Releaser, Time);
        Opener = new RoundOpener(Registry, Coordination, Store, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RoundOpener>.Instance, metrics);
        Coordinator = new TrainingCoordinator(Registry, Opener, Coordination, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<TrainingCoordinator>.Instance, NullLogger<RoundDriver>.Instance, metrics);
        for (int i = 1; i <= clients; i++)
        {
            string id = $"bank-{i:D2}";
            var key = SigningKey.Generate();
            _identities[id] = key;
            Store.EnrollClientAsync(new EnrolledClient(id, key.PublicKey.ToArray(), false, 0), CancellationToken.None).GetAwaiter().GetResult();
        }

        Definition = new SessionDefinition(
            SessionId,
            "test-schema",
            new string('a', 64),
            "logistic-regression",
            modelLength,
            totalRounds,
            3,
            maximumClients ?? clients,
            new SecAggSettingsData(mode, NeighbourGraphKind.Complete, 0.3, 0, 40, 20),
            new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, 1.0),
            new PrivacySettingsData(DpModeKind.None, 0, 0, 0),
            0,
            Cohorts: cohorts);
        Store.CreateSessionAsync(SessionDocument.Create(Definition), new ModelVersionRecord(SessionId, 0, 0, [.. new double[modelLength]], 0, 0, 0, "{}", 0), CancellationToken.None).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddYears(56));

    public IFederationStore Store { get; }

    public RoundOptions Options { get; }

    public SessionRegistry Registry { get; }

    public RoundOpener Opener { get; }

    public RoundReleaser Releaser { get; }

    public LocalRoundCoordination Coordination { get; }

    public TrainingCoordinator Coordinator { get; }

    public SessionDefinition Definition { get; }

    public IEnumerable<string> ClientIds => _identities.Keys;

    /// <summary>Runs one client through a round with the given delta; stops silently before <paramref name="stopBefore"/>.</summary>
    public async Task<RoundOutcome?> RunClientAsync(string clientId, double[] delta, RoundStage? stopBefore = null)
    {
        RoundTicket ticket = await Coordinator.WaitForRoundAsync(SessionId, clientId, Definition.SchemaHash, CancellationToken.None);
        SecAggParameters parameters = ticket.Parameters;
        bool active = parameters.Mode == SecAggMode.Active;
        var keys = ticket.Participants.ToDictionary(p => p.Index, p => (ReadOnlyMemory<byte>)p.IdentityPublicKey);
        using var session = new ClientSession(parameters, ticket.Index, active ? _identities[clientId] : null, active ? keys : null);
        uint[] encoded = new uint[Definition.ModelLength];
        UpdateEncoding.Quantizer(Definition.Training, ticket.Participants.Count).Encode(delta, encoded);
        if (stopBefore == RoundStage.AdvertiseKeys)
        {
            return null;
        }

        KeyDirectory directory = await Coordinator.AdvertiseKeysAsync(SessionId, ticket.RoundNumber, clientId, session.AdvertiseKeys(), CancellationToken.None);
        if (stopBefore == RoundStage.ShareKeys)
        {
            return null;
        }

        ShareDelivery delivery = await Coordinator.ShareKeysAsync(SessionId, ticket.RoundNumber, clientId, session.ShareKeys(directory).Shares, CancellationToken.None);
        if (stopBefore == RoundStage.MaskedInput)
        {
            return null;
        }

        MaskedInput masked = session.MaskInput(delivery, encoded);
        SurvivorList survivors = await Coordinator.SubmitMaskedInputAsync(SessionId, ticket.RoundNumber, clientId, masked.Vector.ToArray(), masked.Complaints ?? [], CancellationToken.None);
        if (stopBefore == RoundStage.Unmask)
        {
            return null;
        }

        if (active)
        {
            ConsistencyProof proof = await Coordinator.SignSurvivorsAsync(SessionId, ticket.RoundNumber, clientId, session.ConsistencyCheck(survivors).Signature, CancellationToken.None);
            UnmaskShares revealed = session.Unmask(proof);
            return await ExpelIfAskedAsync(await Coordinator.UnmaskAsync(SessionId, ticket.RoundNumber, clientId, revealed.Shares, revealed.PairPoints ?? [], CancellationToken.None));
        }

        UnmaskShares shares = session.Unmask(survivors);
        return await ExpelIfAskedAsync(await Coordinator.UnmaskAsync(SessionId, ticket.RoundNumber, clientId, shares.Shares, shares.PairPoints ?? [], CancellationToken.None));

        async Task<RoundOutcome> ExpelIfAskedAsync(UnmaskReply reply) =>
            reply.Outcome ?? await Coordinator.ExpelAsync(SessionId, ticket.RoundNumber, clientId, session.Expel(reply.Expulsion!).PairPoints, CancellationToken.None);
    }

    /// <summary>Lets the clock run until every task finishes or the fake time limit is reached; no real sleeping beyond yields.</summary>
    public async Task AdvanceUntilAsync(Task all, TimeSpan step, int maxSteps = 200)
    {
        for (int i = 0; i < maxSteps && !all.IsCompleted; i++)
        {
            // Let the in-process clients reach their next call before time moves on.
            for (int spin = 0; spin < 50 && !all.IsCompleted; spin++)
            {
                await Task.Yield();
                await Task.Delay(1);
            }

            Time.Advance(step);
        }
    }

    public void Dispose()
    {
        Coordinator.Dispose();
        foreach (SigningKey key in _identities.Values)
        {
            key.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    public static double[] Delta(int length, double value) => Enumerable.Repeat(value, length).ToArray();

    public static byte[] RandomSeed() => RandomNumberGenerator.GetBytes(32);
}
