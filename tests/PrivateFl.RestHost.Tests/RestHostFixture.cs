using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// A real aggregation server on 127.0.0.1, a session of three banks, the REST host (WebApplicationFactory) as one
/// bank with its data folder, and the two other banks as SDK clients.
/// </summary>
internal sealed class RestHostFixture : IAsyncDisposable
{
    public const string AdminKey = "rest-host-test-admin-key-0123456789";
    public const string SessionId = "german-credit";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"privatefl-rest-{Guid.NewGuid():n}");
    private readonly List<SigningKey> _keys = [];
    private WebApplication? _server;
    private GrpcChannel? _adminChannel;

    public string DataRoot => Path.Combine(_folder, "data");

    public Uri ServerAddress { get; private set; } = null!;

    public WebApplicationFactory<RestHostOptions> Host { get; private set; } = null!;

    public IReadOnlyList<CreditDataset> Shards { get; private set; } = [];

    /// <summary>Holds the host bank's stage calls when armed: a server crash mid-round.</summary>
    public StageGate Gate { get; } = new();

    public static async Task<RestHostFixture> StartAsync(string apiKey = "", int rounds = 1, IReadOnlyDictionary<string, string>? hostSettings = null, FeatureSchema? schema = null, ModelSpecification? model = null)
    {
        var fixture = new RestHostFixture();
        await fixture.InitialiseAsync(apiKey, rounds, hostSettings ?? new Dictionary<string, string>(), schema ?? CreditSchemas.GermanCredit, model ?? ModelSpecification.LogisticRegression);
        return fixture;
    }

    /// <summary>
    /// A session of the Taiwan schema training <paramref name="model"/>; the host is configured for it
    /// (<c>RestHostOptions:Schema</c>) and its data folder holds <c>taiwan.csv</c>, Taiwan rows in the file's own column names.
    /// </summary>
    public static Task<RestHostFixture> StartTaiwanAsync(ModelSpecification model) =>
        StartAsync(hostSettings: new Dictionary<string, string> { ["RestHostOptions:Schema"] = CreditSchemas.TaiwanCreditName }, schema: CreditSchemas.TaiwanCredit, model: model);

    /// <summary>A Taiwan bank's own names for some columns, as <c>taiwan-own-headers.csv</c> in the host's data folder carries them.</summary>
    public static IReadOnlyDictionary<string, string> TaiwanOwnHeaders { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Credit limit"] = "LIMIT_BAL",
        ["Gender"] = "SEX",
        ["Repayment Sep"] = "PAY_0",
        ["Defaulted"] = "default",
    };

    /// <summary>Stops the aggregation server at once, aborting the calls in flight, as a crash would.</summary>
    public async Task KillServerAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(new CancellationToken(canceled: true));
            await server.DisposeAsync();
        }
    }

    public HttpClient CreateClient() => Host.CreateClient();

    /// <summary>The two other banks train through the SDK while the host trains.</summary>
    public Task<TrainingReport[]> PeersTrainAsync()
    {
        var peers = new[] { ("bank-2", 1), ("bank-3", 2) }.Select(p => new FederatedClient(
            new FederatedClientOptions { ServerAddress = ServerAddress, ClientId = p.Item1, LedgerDirectory = Path.Combine(_folder, "ledgers", p.Item1) },
            _keys[p.Item2])).ToList();
        return Task.WhenAll(peers.Select((c, i) => c.TrainAsync(SessionId, Shards[i + 1])));
    }

    /// <summary>The session's current global model, read by another bank through the SDK.</summary>
    public async Task<GlobalModel> GlobalModelAsync()
    {
        using var client = new FederatedClient(
            new FederatedClientOptions { ServerAddress = ServerAddress, ClientId = "bank-2", LedgerDirectory = Path.Combine(_folder, "ledgers", "bank-2") },
            _keys[1]);
        return await client.GetGlobalModelAsync(SessionId);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        _adminChannel?.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        foreach (SigningKey key in _keys)
        {
            key.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task InitialiseAsync(string apiKey, int rounds, IReadOnlyDictionary<string, string> hostSettings, FeatureSchema schema, ModelSpecification modelSpecification)
    {
        Directory.CreateDirectory(DataRoot);
        bool taiwan = schema.Name == CreditSchemas.TaiwanCreditName;
        if (taiwan)
        {
            // The Taiwan session: the host's export carries some headers under the bank's own names.
            string[] rows = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "taiwan_credit_card_default.csv")).Take(1201)];
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", rows)));
            Shards = DatasetLoader.LoadCsv(stream, schema).StratifiedShards(3, 1);
            var reverse = TaiwanOwnHeaders.ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal);
            string header = string.Join(",", rows[0].Split(',').Select(h => reverse.GetValueOrDefault(h, h)));
            await File.WriteAllLinesAsync(Path.Combine(DataRoot, "taiwan-own-headers.csv"), rows.Skip(1).Take(400).Prepend(header));
            await File.WriteAllLinesAsync(Path.Combine(DataRoot, "taiwan.csv"), rows.Take(334));
        }

        CreditDataset all = DatasetLoader.LoadCsv(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv"), CreditSchemas.GermanCredit);
        Shards = taiwan ? Shards : all.StratifiedShards(3, 1);

        // The host's data folder: its own rows as the original CSV layout, a broken file, and a link out.
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv"));
        await File.WriteAllLinesAsync(Path.Combine(DataRoot, "bank.csv"), lines.Take(334));
        await File.WriteAllTextAsync(Path.Combine(DataRoot, "broken.csv"), lines[0] + "\n0,-3,male,2,own,NA,little,1169,6,radio/TV,good\n1,22,robot,2,own,little,moderate,abc,48,radio/TV,maybe\n");
        string outside = Path.Combine(_folder, "outside.csv");
        await File.WriteAllLinesAsync(outside, lines.Take(20));
        File.CreateSymbolicLink(Path.Combine(DataRoot, "link.csv"), outside);

        // Two links that only lead out together: a folder link, and a file link whose target passes through it.
        string outsideFolder = Path.Combine(_folder, "elsewhere");
        Directory.CreateDirectory(outsideFolder);
        await File.WriteAllLinesAsync(Path.Combine(outsideFolder, "rows.csv"), lines.Take(20));
        Directory.CreateSymbolicLink(Path.Combine(DataRoot, "sub"), outsideFolder);
        File.CreateSymbolicLink(Path.Combine(DataRoot, "chain.csv"), Path.Combine(DataRoot, "sub", "rows.csv"));

        _server = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                ["ServerOptions:AdminApiKey"] = AdminKey,
                ["StorageOptions:DatabasePath"] = Path.Combine(_folder, "server.db"),
                ["RoundOptions:GatherWindow"] = "00:00:00.200",
                ["RoundOptions:StageDeadline"] = "00:00:05",
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(Gate);
            builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.Interceptors.Add<StageGate>());
        });
        await _server.StartAsync();
        ServerAddress = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _adminChannel = GrpcChannel.ForAddress(ServerAddress);
        var admin = new Admin.AdminClient(_adminChannel);
        var headers = new Metadata { { "x-privatefl-admin-key", AdminKey } };
        foreach (string id in new[] { "host-bank", "bank-2", "bank-3" })
        {
            var key = SigningKey.Generate();
            _keys.Add(key);
            await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = id, IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, headers);
        }

        byte[] hostKey = new byte[32];
        _keys[0].ExportPrivateKey(hostKey);
        string keyFile = Path.Combine(_folder, "host-bank.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(hostKey));
        CreditModel model = CreditModel.Create(schema, modelSpecification);
        bool mlp = modelSpecification.Kind == CreditModelKind.MultilayerPerceptron;
        await admin.CreateSessionAsync(
            new CreateSessionRequest
            {
                SessionId = SessionId,

                // Taiwan: created from the schema file alone, as an operator does; German: by name and hash, as before.
                SchemaJson = taiwan ? await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "data", "schemas", "taiwan-credit.json")) : string.Empty,
                SchemaName = taiwan ? string.Empty : schema.Name,
                SchemaHash = taiwan ? string.Empty : schema.Hash,
                ModelLength = (uint)model.ParameterCount,
                Model = mlp ? new ModelSpec { Kind = ModelKind.MultilayerPerceptron, Activation = ActivationKind.Tanh, InitSeed = modelSpecification.InitializationSeed, HiddenUnits = { modelSpecification.HiddenUnits.Select(u => (uint)u) } } : null,
                InitialWeights = { mlp ? model.CreateInitialWeights() : [] },
                TotalRounds = (uint)rounds,
                MinimumClients = 3,
                MaximumClients = 3,
                SecAgg = new SecAggSettings { Mode = SecAggMode.SemiHonest, Graph = NeighbourGraphKind.Complete, DropoutRate = 0.3 },
                Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 50, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                Privacy = new PrivacySettings { Mode = DpMode.None },
            },
            headers);

        Host = new WebApplicationFactory<RestHostOptions>().WithWebHostBuilder(web =>
        {
            web.UseSetting("RestHostOptions:DataRoot", DataRoot);
            web.UseSetting("RestHostOptions:SessionId", SessionId);
            web.UseSetting("RestHostOptions:ApiKey", apiKey);
            web.UseSetting("RestHostOptions:ModelRefreshInterval", "00:00:01");
            web.UseSetting("FederatedClientOptions:ServerAddress", ServerAddress.ToString());
            web.UseSetting("FederatedClientOptions:ClientId", "host-bank");
            web.UseSetting("FederatedClientOptions:IdentityKeyFile", keyFile);
            web.UseSetting("FederatedClientOptions:LedgerDirectory", Path.Combine(_folder, "ledgers", "host-bank"));
            web.UseSetting("FederatedClientOptions:MaxRetries", "1");
            foreach ((string key, string value) in hostSettings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.ClearProviders());
        });
    }
}
