using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server;

namespace PrivateFl.IntegrationTests;

/// <summary>The real aggregation server on 127.0.0.1 with a random port and a temporary SQLite file.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    public const string AdminKey = "integration-test-admin-key-0123456789";
    private readonly string _databasePath;
    private readonly TimeSpan _stageDeadline;
    private readonly Dictionary<string, SigningKey> _identities = [];
    private WebApplication? _app;
    private GrpcChannel? _adminChannel;

    private readonly string? _postgresConnectionString;
    private IReadOnlyDictionary<string, string?>? _settings;

    private InProcessServer(string databasePath, TimeSpan stageDeadline, string? postgresConnectionString = null)
    {
        _databasePath = databasePath;
        _stageDeadline = stageDeadline;
        _postgresConnectionString = postgresConnectionString;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the SQLite file.</summary>
    public string DatabasePath => _databasePath;

    public Admin.AdminClient Admin { get; private set; } = null!;

    /// <summary>Starts the server; with <paramref name="postgresConnectionString"/> it stores its state in that PostgreSQL database (StorageOptions:Provider = Postgres).</summary>
    public static async Task<InProcessServer> StartAsync(TimeSpan? stageDeadline = null, string? databasePath = null, string? postgresConnectionString = null)
    {
        var server = new InProcessServer(databasePath ?? Path.Combine(Path.GetTempPath(), $"privatefl-it-{Guid.NewGuid():n}.db"), stageDeadline ?? TimeSpan.FromSeconds(3), postgresConnectionString);
        await server.StartAppAsync();
        return server;
    }

    /// <summary>Starts the server with extra configuration (for example <c>Observability:*</c>).</summary>
    public static async Task<InProcessServer> StartWithAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var server = new InProcessServer(Path.Combine(Path.GetTempPath(), $"privatefl-it-{Guid.NewGuid():n}.db"), TimeSpan.FromSeconds(3)) { _settings = settings };
        await server.StartAppAsync();
        return server;
    }

    /// <summary>Gets every address the server listens on (the gRPC listener first, then the management listener if any).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public static CallOptions AdminCall() => new(new Metadata { { "x-privatefl-admin-key", AdminKey } });

    /// <summary>Stops the server and starts a new one on the same database (a restart).</summary>
    public async Task RestartAsync()
    {
        await StopAppAsync();
        await StartAppAsync();
    }

    public async Task<SigningKey> EnrollAsync(string clientId)
    {
        var key = SigningKey.Generate();
        _identities[clientId] = key;
        await Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = clientId, IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey) }, AdminCall());
        return key;
    }

    /// <summary>A folder for the banks' own privacy ledgers, deleted with the server.</summary>
    public string LedgerDirectory { get; } = Path.Combine(Path.GetTempPath(), $"privatefl-ledger-{Guid.NewGuid():n}");

    public FederatedClient Client(string clientId, double maxEpsilon = 4) =>
        new(new FederatedClientOptions { ServerAddress = Address, ClientId = clientId, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(LedgerDirectory, clientId), MaxEpsilon = maxEpsilon }, _identities[clientId]);

    /// <summary>
    /// A bank that injects faults into its own calls (<see cref="Faults.BankFaults"/>, through the public interceptor
    /// option) and, for a corrupted cryptographic state, makes its round sessions with <paramref name="sessions"/> (the
    /// SDK's internal DI seam); the shipped client code runs unchanged.
    /// </summary>
    public FederatedClient FaultyClient(string clientId, Grpc.Core.Interceptors.Interceptor faults, PrivateFl.ClientSdk.Transport.IClientSessionFactory? sessions = null, double maxEpsilon = 4)
    {
        var options = new FederatedClientOptions { ServerAddress = Address, ClientId = clientId, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(LedgerDirectory, clientId), MaxEpsilon = maxEpsilon };
        options.Interceptors.Add(faults);
        return new(options, _identities[clientId], null, null, sessions ?? PrivateFl.ClientSdk.Transport.ClientSessionFactory.Default);
    }

    /// <summary>The identity key a bank was enrolled with.</summary>
    public SigningKey Identity(string clientId) => _identities[clientId];

    /// <summary>Enrols each client, in order.</summary>
    public async Task EnrollAllAsync(IEnumerable<string> clientIds)
    {
        foreach (string id in clientIds)
        {
            await EnrollAsync(id);
        }
    }

    /// <summary>A session request on the built-in credit schema with a complete graph; the caller chooses the plan and privacy.</summary>
    public static CreateSessionRequest CreditSessionRequest(string sessionId, int clients, int rounds, TrainingPlan training, PrivacySettings privacy, SecAggMode mode = SecAggMode.SemiHonest, int? minimumClients = null)
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;
        return new CreateSessionRequest
        {
            SessionId = sessionId,
            SchemaName = schema.Name,
            SchemaHash = schema.Hash,
            ModelLength = (uint)(schema.EncodedLength + 1),
            TotalRounds = (uint)rounds,
            MinimumClients = (uint)(minimumClients ?? clients),
            MaximumClients = (uint)clients,
            SecAgg = new SecAggSettings { Mode = mode, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.3, CorruptedFraction = 0 },
            Training = training,
            Privacy = privacy,
        };
    }

    /// <summary>A record-level DP session on the credit schema (gradient sums of Poisson-sampled rows).</summary>
    public async Task<SessionInfo> CreateDpSessionAsync(string sessionId, int clients, int rounds, double epsilonBudget, double noiseMultiplier, double delta = 1e-5) =>
        await Admin.CreateSessionAsync(
            CreditSessionRequest(
                sessionId,
                clients,
                rounds,
                new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 100, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 2, SamplingRate = 1 },
                new PrivacySettings { Mode = DpMode.RecordLevel, EpsilonBudget = epsilonBudget, Delta = delta, NoiseMultiplier = noiseMultiplier }),
            AdminCall());

    /// <summary>A federated-averaging session on the credit schema without differential privacy.</summary>
    public async Task<SessionInfo> CreateCreditSessionAsync(string sessionId, int clients, int rounds, SecAggMode mode = SecAggMode.SemiHonest, int? minimumClients = null) =>
        await Admin.CreateSessionAsync(
            CreditSessionRequest(
                sessionId,
                clients,
                rounds,
                new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 20, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                new PrivacySettings { Mode = DpMode.None },
                mode,
                minimumClients),
            AdminCall());

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        foreach (SigningKey key in _identities.Values)
        {
            key.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(LedgerDirectory))
        {
            Directory.Delete(LedgerDirectory, recursive: true);
        }

        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private async Task StartAppAsync()
    {
        _app = PrivateFlServerApplication.Build(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                    ["ServerOptions:AdminApiKey"] = AdminKey,
                    ["StorageOptions:DatabasePath"] = _databasePath,
                    ["RoundOptions:MinimumClients"] = "3",
                    ["RoundOptions:GatherWindow"] = "00:00:00.500",
                    ["RoundOptions:StageDeadline"] = _stageDeadline.ToString(),
                    ["Logging:LogLevel:Default"] = "Warning",
                });
                if (_settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(_settings);
                }

                if (_postgresConnectionString is not null)
                {
                    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        ["StorageOptions:Provider"] = "Postgres",
                        ["StorageOptions:ConnectionString"] = _postgresConnectionString,
                    });
                }
            });
        await _app.StartAsync();
        Addresses = [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];
        Address = Addresses[0];
        _adminChannel = GrpcChannel.ForAddress(Address);
        Admin = new Admin.AdminClient(_adminChannel);
    }

    private async Task StopAppAsync()
    {
        _adminChannel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
