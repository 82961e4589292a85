using Npgsql;
using PrivateFl.Server.Hosting;
using PrivateFl.Tests.Postgres;

namespace PrivateFl.Cluster.Tests;

/// <summary>Orleans' PostgreSQL scripts, carried in PrivateFl.Cluster, are applied once however many silos start at once.</summary>
public sealed class OrleansPostgresSchemaTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _database;

    public OrleansPostgresSchemaTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task Ensure_ThreeAtOnceThenAgain_ScriptsRunExactlyOnceAndTheQueriesAreThere()
    {
        int[] concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OrleansPostgresSchema.EnsureAsync(_database.ConnectionString, CancellationToken.None)));
        int again = await OrleansPostgresSchema.EnsureAsync(_database.ConnectionString, CancellationToken.None);

        Assert.Equal(2, concurrent.Sum());
        Assert.Equal(0, again);
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;", connection);
        var keys = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        // Every query Orleans' ADO.NET membership table issues (AdoNetClusteringTable), including the cleanup of defunct silos.
        Assert.Equal(
            ["CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey"],
            keys);
    }

    [Theory]
    [InlineData(OrleansPostgresSchema.MainScript)]
    [InlineData(OrleansPostgresSchema.ClusteringScript)]
    public void ReadScript_Embedded_IsOrleansScript(string name)
    {
        string script = OrleansPostgresSchema.ReadScript(name);

        Assert.Contains("CREATE TABLE Orleans", script, StringComparison.Ordinal);
    }
}
