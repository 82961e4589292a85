namespace PrivateFl.Server.Options;

/// <summary>Which database holds the server's state (<see cref="StorageOptions.Provider"/>).</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file (<see cref="StorageOptions.DatabasePath"/>): one server process.</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL database (<see cref="StorageOptions.ConnectionString"/>), which several server processes may share.</summary>
    Postgres = 1,
}
