using System.Collections.Concurrent;
using System.Text;
using Grpc.AspNetCore.Server;
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
/// SECURITY.md, "What the server stores": "It never stores or logs a bank's input, masked input, key, share or seed:
/// those live in memory for the round's lifetime", and "secrets never reach logs" for the banks too.
/// </summary>
public sealed class ServerStorageClaimsTests
{
    private const string AdminKey = "claims-test-admin-key-0123456789";

    [Fact]
    public async Task ActiveRounds_EveryLogLevel_NoMaskedInputShareSaltOrPointInTheDatabaseOrAnyLog()
    {
        var captured = new ConcurrentBag<(string Kind, byte[] Bytes)>();
        using var logs = new CapturingLoggerProvider();
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-claims-{Guid.NewGuid():n}.db");
        string ledgers = Path.Combine(Path.GetTempPath(), $"privatefl-claims-ledger-{Guid.NewGuid():n}");
        WebApplication app = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ServerOptions:Urls"] = "http://127.0.0.1:0",
                ["ServerOptions:AdminApiKey"] = AdminKey,
                ["StorageOptions:DatabasePath"] = database,
                ["RoundOptions:MinimumClients"] = "3",
                ["RoundOptions:GatherWindow"] = "00:00:00.500",
                ["RoundOptions:StageDeadline"] = "00:00:05",
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Information",
                ["Logging:LogLevel:Grpc"] = "Information",
            });
            builder.Logging.AddProvider(logs);
            builder.Services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<RoundSecretsCapture>(captured));
        });
        string[] ids = ["bank-1", "bank-2", "bank-3", "bank-4"];
        var identities = ids.ToDictionary(id => id, _ => SigningKey.Generate());
        byte[] enrolledKey = identities["bank-1"].PublicKey.ToArray();
        using var bankLogs = new LoggerFactory([logs]);
        try
        {
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using (GrpcChannel channel = GrpcChannel.ForAddress(address))
            {
                var admin = new Admin.AdminClient(channel);
                var call = new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-privatefl-admin-key", AdminKey } });
                foreach (string id in ids)
                {
                    await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = id, IdentityPublicKey = Google.Protobuf.ByteString.CopyFrom(identities[id].PublicKey) }, call);
                }

                await admin.CreateSessionAsync(
                    InProcessServer.CreditSessionRequest(
                        "claims",
                        ids.Length,
                        2,
                        new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 2, LearningRate = 0.5, BatchSize = 10_000, ClipNorm = 5, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 },
                        new PrivacySettings { Mode = DpMode.None },
                        SecAggMode.Active),
                    call);
            }

            (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(ids.Length);
            FederatedClient[] clients = [.. ids.Select(id => new FederatedClient(
                new FederatedClientOptions { ServerAddress = address, ClientId = id, TrainingSeed = 7, MaxRetries = 2, LedgerDirectory = Path.Combine(ledgers, id) },
                identities[id],
                bankLogs.CreateLogger<FederatedClient>()))];
            try
            {
                TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("claims", banks[i]))).WaitAsync(TimeSpan.FromMinutes(3));
                Assert.All(reports, r => Assert.Equal(2, r.RoundsParticipated));
            }
            finally
            {
                foreach (FederatedClient client in clients)
                {
                    client.Dispose();
                }
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            foreach (SigningKey key in identities.Values)
            {
                key.Dispose();
            }
        }

        try
        {
            Assert.Contains(captured, c => c.Kind == "masked input");
            Assert.Contains(captured, c => c.Kind == "encrypted share");
            Assert.Contains(captured, c => c.Kind == "revealed share");
            byte[] stored = [.. ReadShared(database), .. ReadShared(database + "-wal")];
            string storedText = Encoding.Latin1.GetString(stored);
            string logText = string.Join('\n', logs.Lines);
            Assert.NotEmpty(logs.Lines);

            // Positive control: the scan finds what the server does store (an enrolled identity key).
            Assert.True(stored.AsSpan().IndexOf(enrolledKey) >= 0 || storedText.Contains(Convert.ToHexString(enrolledKey), StringComparison.OrdinalIgnoreCase) || storedText.Contains(Convert.ToBase64String(enrolledKey), StringComparison.Ordinal));
            foreach ((string kind, byte[] secret) in captured)
            {
                foreach (byte[] window in Windows(secret))
                {
                    Assert.True(stored.AsSpan().IndexOf(window) < 0, $"a {kind} is stored in the database");
                    foreach (string spelling in Spellings(window))
                    {
                        Assert.False(storedText.Contains(spelling, StringComparison.Ordinal), $"a {kind} is stored in the database as text");
                        Assert.False(logText.Contains(spelling, StringComparison.Ordinal), $"a {kind} reached a log");
                    }
                }

                Assert.False(logText.Contains(Convert.ToBase64String(secret), StringComparison.Ordinal), $"a {kind} reached a log in base64");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }

            if (Directory.Exists(ledgers))
            {
                Directory.Delete(ledgers, recursive: true);
            }
        }
    }

    /// <summary>Every aligned 16-byte window and the last one: 128 random bits match by chance with probability 2^−128.</summary>
    private static IEnumerable<byte[]> Windows(byte[] secret)
    {
        for (int at = 0; at + 16 <= secret.Length; at += 16)
        {
            yield return secret[at..(at + 16)];
        }

        yield return secret[^16..];
    }

    private static IEnumerable<string> Spellings(byte[] window)
    {
        string hex = Convert.ToHexString(window);
        yield return hex;
        yield return hex.ToLowerInvariant();
    }

    private static byte[] ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
