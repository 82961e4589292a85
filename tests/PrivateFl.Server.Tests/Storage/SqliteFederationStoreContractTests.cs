using Microsoft.Data.Sqlite;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>The store contract on the embedded SQLite provider (a fresh file per test).</summary>
public sealed class SqliteFederationStoreContractTests : FederationStoreContract, IDisposable
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"privatefl-contract-{Guid.NewGuid():n}.db");

    protected override IFederationStore NewStore() =>
        new SqliteFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DatabasePath = _databasePath }));

    [Fact]
    public async Task MigrateAsync_SchemaOfANewerServer_RefusedNamingBothVersions()
    {
        await NewStore().MigrateAsync(CancellationToken.None);
        using (var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES (999, 0);";
            command.ExecuteNonQuery();
        }

        var refused = await Assert.ThrowsAsync<Hosting.ServerStartupException>(() => NewStore().MigrateAsync(CancellationToken.None));

        Assert.Contains($"schema version 999, newer than this server's {SqliteFederationStore.SchemaVersion}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_TwoStoresOnANewFileAtOnce_EachStepAppliedOnce()
    {
        await Task.WhenAll(NewStore().MigrateAsync(CancellationToken.None), Task.Run(() => NewStore().MigrateAsync(CancellationToken.None)));

        using var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version);";
        Assert.Equal(string.Join(",", Enumerable.Range(1, SqliteFederationStore.SchemaVersion)), command.ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
