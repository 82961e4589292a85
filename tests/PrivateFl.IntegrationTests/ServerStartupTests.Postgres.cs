using Grpc.Net.Client;
using PrivateFl.Protocol.V1;
using PrivateFl.Tests.Postgres;

namespace PrivateFl.IntegrationTests;

/// <summary>Issue 12: the standalone server on PostgreSQL, chosen by configuration, and its start-up refusals.</summary>
public sealed partial class ServerStartupTests
{
    private const string Password = "pg-secret-password-never-printed-42";

    [Fact]
    public async Task Start_PostgresWithoutConnectionString_OneLineNamingItAndExit2()
    {
        (int code, string error) = await RunToExitAsync([.. Args(ServerProcess.FreePort()), "--StorageOptions:Provider=Postgres"]);

        Assert.Equal(2, code);
        AssertOneLine(error, "StorageOptions:ConnectionString must be set");
    }

    [Fact]
    public async Task Start_PostgresConnectionStringMalformed_OneLineWithoutThePasswordAndExit2()
    {
        (int code, string error) = await RunToExitAsync([.. Args(ServerProcess.FreePort()), "--StorageOptions:Provider=Postgres", $"--StorageOptions:ConnectionString=Host=127.0.0.1;Password={Password};Port=not-a-port"]);

        Assert.Equal(2, code);
        AssertOneLine(error, "StorageOptions:ConnectionString is not a valid PostgreSQL connection string");
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresUnreachable_OneLineNamingTheTargetWithoutThePasswordAndExit3()
    {
        int nobody = ServerProcess.FreePort();

        (int code, string error) = await RunToExitAsync([.. Args(ServerProcess.FreePort()), "--StorageOptions:Provider=Postgres", $"--StorageOptions:ConnectionString=Host=127.0.0.1;Port={nobody};Database=privatefl;Username=privatefl;Password={Password};Timeout=5"]);

        Assert.Equal(3, code);
        AssertOneLine(error, $"StorageOptions:ConnectionString: cannot use PostgreSQL (host 127.0.0.1:{nobody}, database 'privatefl', user 'privatefl')");
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresByConfiguration_ServesAndStoresInPostgres()
    {
        PostgresTestServer postgres = await PostgresTestServer.GetAsync();
        string connectionString = await postgres.CreateDatabaseAsync();
        try
        {
            int port = ServerProcess.FreePort();
            using (ServerProcess server = ServerProcess.Start([.. Args(port), "--StorageOptions:Provider=Postgres", $"--StorageOptions:ConnectionString={connectionString}"]))
            {
                await server.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
                var admin = new Admin.AdminClient(channel);
                var call = new Grpc.Core.CallOptions(new Grpc.Core.Metadata { { "x-privatefl-admin-key", AdminKey } });

                await admin.CreateSessionAsync(InProcessServer.CreditSessionRequest("pg-standalone", 3, 1, new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 10, ClipNorm = 1, QuantizationScale = 1 << 16, ServerLearningRate = 1, SamplingRate = 1 }, new PrivacySettings { Mode = DpMode.None }), call);
            }

            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT state FROM sessions WHERE session_id = 'pg-standalone';", connection);
            Assert.Equal((short)1, await command.ExecuteScalarAsync());
            Assert.False(File.Exists(Database));
        }
        finally
        {
            await postgres.DropDatabaseAsync(connectionString);
        }
    }
}
