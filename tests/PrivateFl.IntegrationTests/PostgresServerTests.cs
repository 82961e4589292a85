using Npgsql;
using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;
using PrivateFl.Tests.Postgres;

namespace PrivateFl.IntegrationTests;

/// <summary>The real server on a real PostgreSQL 15 (StorageOptions:Provider = Postgres), driven over gRPC by the SDK.</summary>
public sealed class PostgresServerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TrainAsync_ServerOnPostgres_RoundCommitsModelRecordAndLedgerThatSurviveARestart()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(postgresConnectionString: database.ConnectionString);
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("on-postgres", clients: 3, rounds: 1);
        var clients = ids.Select(id => server.Client(id)).ToList();

        TrainingReport[] reports = await Task.WhenAll(clients.Select((c, i) => c.TrainAsync("on-postgres", banks[i]))).WaitAsync(Limit);

        Assert.All(reports, r => Assert.Equal(1, r.RoundsParticipated));
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT MAX(version) FROM model_versions WHERE session_id = 'on-postgres';"));
            Assert.Equal(3, await ScalarAsync(connection, "SELECT contributors FROM model_versions WHERE session_id = 'on-postgres' AND version = 1;"));
            Assert.Equal((short)1, await ScalarAsync(connection, "SELECT outcome FROM rounds WHERE session_id = 'on-postgres' AND round_number = 1 AND model_version = 1;"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM privacy_ledger WHERE session_id = 'on-postgres' AND round_number = 1;"));
            Assert.Equal((short)2, await ScalarAsync(connection, "SELECT state FROM sessions WHERE session_id = 'on-postgres';"));
        }

        // A new server process on the same database finds everything (the state lives in PostgreSQL, not in the process).
        await server.RestartAsync();
        SessionInfo session = await server.Admin.GetSessionAsync(new GetSessionRequest { SessionId = "on-postgres" }, InProcessServer.AdminCall());
        RoundRecord round = Assert.Single((await server.Admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "on-postgres" }, InProcessServer.AdminCall())).Rounds);
        PrivacyLedgerReply ledger = await server.Admin.GetPrivacyLedgerAsync(new GetPrivacyLedgerRequest { SessionId = "on-postgres" }, InProcessServer.AdminCall());
        Assert.Equal((SessionState.Completed, 1L, 1u), (session.SessionState, session.CurrentModelVersion, session.CompletedRounds));
        Assert.Equal((RoundOutcome.Completed, 1L), (round.RoundOutcome, round.ModelVersion));
        Assert.Equal(ids, round.Included);
        Assert.Equal(1L, Assert.Single(ledger.Entries).RoundNumber);
        Assert.Equal(ids, (await server.Admin.ListClientsAsync(new ListClientsRequest(), InProcessServer.AdminCall())).Clients.Select(c => c.ClientId));
        using FederatedClient reader = server.Client("bank-1");
        GlobalModel model = await reader.GetGlobalModelAsync("on-postgres");
        Assert.Equal((1L, 3), (model.Version, model.Contributors));
        foreach (FederatedClient client in clients)
        {
            client.Dispose();
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
