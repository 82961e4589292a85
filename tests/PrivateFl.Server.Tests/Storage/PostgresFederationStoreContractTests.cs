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

    public void Dispose()
    {
        foreach (PostgresFederationStore store in _stores)
        {
            store.Dispose();
        }
    }
}
