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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
