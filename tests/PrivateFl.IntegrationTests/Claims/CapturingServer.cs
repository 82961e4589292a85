using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// The real server on 127.0.0.1 that keeps every log line (server and banks, every level) and the round data the banks
/// send (<see cref="RoundSecretsCapture"/>), for claims about what reaches logs and storage.
/// </summary>
internal sealed class CapturingServer : IAsyncDisposable
{
    private const string AdminKey = "claims-test-admin-key-0123456789";
    private readonly Dictionary<string, SigningKey> _identities = [];
    private readonly LoggerFactory _bankLogs;
    private readonly WebApplication _app;
    private GrpcChannel? _channel;
    private bool _stopped;

    private CapturingServer(string stageDeadline)
    {
        _bankLogs = new LoggerFactory([Logs]);
        _app = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                ["ServerOptions:AdminApiKey"] = AdminKey,
                ["StorageOptions:DatabasePath"] = DatabasePath,
                ["RoundOptions:MinimumClients"] = "3",
                ["RoundOptions:GatherWindow"] = "00:00:00.500",
                ["RoundOptions:StageDeadline"] = stageDeadline,
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Information",
                ["Logging:LogLevel:Grpc"] = "Information",
            });
            builder.Logging.AddProvider(Logs);
            builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<RoundSecretsCapture>(Captured));
        });
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ConcurrentBag<(string Kind, byte[] Bytes)> Captured { get; } = [];

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"privatefl-claims-{Guid.NewGuid():n}.db");

    public string LedgerDirectory { get; } = Path.Combine(Path.GetTempPath(), $"privatefl-claims-ledger-{Guid.NewGuid():n}");

    public Uri Address { get; private set; } = null!;

    public Admin.AdminClient Admin { get; private set; } = null!;

    public static CallOptions AdminCall() => new(new Metadata { { "x-privatefl-admin-key", AdminKey } });

    public static async Task<CapturingServer> StartAsync(string stageDeadline = "00:00:05")
    {
        var server = new CapturingServer(stageDeadline);
        await server._app.StartAsync();
        server.Address = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server._channel = GrpcChannel.ForAddress(server.Address);
        server.Admin = new Admin.AdminClient(server._channel);
        return server;
    }

    public async Task EnrollAllAsync(IEnumerable<string> clientIds)
    {
        foreach (string id in clientIds)
        {
            var key = SigningKey.Generate();
            _identities[id] = key;
            await Admin.EnrollClientAsync(new EnrollClientRequest { ClientId = id, IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(key.PublicKey) }, AdminCall());
        }
    }

    public SigningKey Identity(string clientId) => _identities[clientId];

    /// <summary>A bank whose own log lines go to <see cref="Logs"/> too.</summary>
    public FederatedClient Client(string clientId) =>
        new(new FederatedClientOptions { ServerAddress = Address, ClientId = clientId, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(LedgerDirectory, clientId) }, _identities[clientId], _bankLogs.CreateLogger<FederatedClient>());

    /// <summary>A bank whose own calls pass through <paramref name="faults"/> (the public interceptor option).</summary>
    public FederatedClient FaultyClient(string clientId, Grpc.Core.Interceptors.Interceptor faults)
    {
        var options = new FederatedClientOptions { ServerAddress = Address, ClientId = clientId, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(LedgerDirectory, clientId) };
        options.Interceptors.Add(faults);
        return new(options, _identities[clientId], _bankLogs.CreateLogger<FederatedClient>());
    }

    /// <summary>Stops the server so that its database files hold everything it wrote.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            _channel?.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _bankLogs.Dispose();
        Logs.Dispose();
        foreach (SigningKey key in _identities.Values)
        {
            key.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            File.Delete(file);
        }

        if (Directory.Exists(LedgerDirectory))
        {
            Directory.Delete(LedgerDirectory, recursive: true);
        }
    }
}
