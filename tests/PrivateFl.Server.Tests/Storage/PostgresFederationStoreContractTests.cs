using Npgsql;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;
using PrivateFl.Tests.Postgres;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL 15 (a fresh database for this class; see <see cref="PostgresTestServer"/>).</summary>
public sealed class PostgresFederationStoreContractTests(PostgresDatabase database) : FederationStoreContract, IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly List<PostgresFederationStore> _stores = [];

    protected override IFederationStore NewStore()
    {
        var store = new PostgresFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = database.ConnectionString }));
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    [Fact]
    public async Task MigrateAsync_TwoStoresOnANewDatabaseAtOnce_EachStepAppliedOnceAndANewerSchemaRefused()
    {
        PostgresTestServer server = await PostgresTestServer.GetAsync();
        string fresh = await server.CreateDatabaseAsync();
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = fresh });
            using var first = new PostgresFederationStore(options);
            using var second = new PostgresFederationStore(options);

            await Task.WhenAll(first.MigrateAsync(CancellationToken.None), Task.Run(() => second.MigrateAsync(CancellationToken.None)));
            await using var connection = new NpgsqlConnection(fresh);
            await connection.OpenAsync();
            await using (var versions = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations;", connection))
            {
                Assert.Equal(string.Join(",", Enumerable.Range(1, PostgresFederationStore.SchemaVersion)), await versions.ExecuteScalarAsync());
            }

            await using (var newer = new NpgsqlCommand("INSERT INTO schema_migrations (version, applied_unix_ms) VALUES (999, 0);", connection))
            {
                await newer.ExecuteNonQueryAsync();
            }

            var refused = await Assert.ThrowsAsync<Hosting.ServerStartupException>(() => first.MigrateAsync(CancellationToken.None));
            Assert.Contains($"schema version 999, newer than this server's {PostgresFederationStore.SchemaVersion}", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DropDatabaseAsync(fresh);
        }
    }

    [Fact]
    public async Task MigrateAsync_LoginRefused_OneLineNamingTheTargetNeverThePassword()
    {
        PostgresTestServer server = await PostgresTestServer.GetAsync();
        string fresh = await server.CreateDatabaseAsync();
        try
        {
            // A role that does not exist: the server refuses the login whatever its authentication method.
            var admin = new NpgsqlConnectionStringBuilder(fresh);
            string role = "privatefl_missing_" + Guid.NewGuid().ToString("n")[..8];
            const string Secret = "s3cret-wrong-password-5678";
            string bad = new NpgsqlConnectionStringBuilder(fresh) { Username = role, Password = Secret }.ToString();
            using var store = new PostgresFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = bad }));

            var refused = await Assert.ThrowsAsync<Hosting.ServerStartupException>(() => store.MigrateAsync(CancellationToken.None));

            Assert.StartsWith("StorageOptions:ConnectionString: cannot use PostgreSQL (host ", refused.Message, StringComparison.Ordinal);
            Assert.Contains(admin.Database!, refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refused.Message);
        }
        finally
        {
            await server.DropDatabaseAsync(fresh);
        }
    }

    public void Dispose()
    {
        foreach (PostgresFederationStore store in _stores)
        {
            store.Dispose();
        }
    }
}
