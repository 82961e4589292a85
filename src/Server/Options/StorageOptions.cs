namespace PrivateFl.Server.Options;

/// <summary>Where the model registry and privacy ledger live. Bound from the <c>StorageOptions</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>Gets or sets the database provider. Default: <see cref="StorageProvider.Sqlite"/>.</summary>
    /// <remarks>Code may choose instead with <c>AddPrivateFlServer().UseSqlite()</c> or <c>.UsePostgres(connectionString)</c>, which win over configuration.</remarks>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Gets or sets the SQLite database file; created (mode 0600) with its schema if missing. Default: <c>privatefl.db</c>.</summary>
    public string DatabasePath { get; set; } = "privatefl.db";

    /// <summary>
    /// Gets or sets the PostgreSQL connection string (Npgsql keywords, for example
    /// <c>Host=127.0.0.1;Port=5432;Database=privatefl;Username=privatefl;Password=…</c>); required when
    /// <see cref="Provider"/> is <see cref="StorageProvider.Postgres"/>. Default: empty.
    /// </summary>
    /// <remarks>The server never prints it: start-up errors name the host, port, database and user only.</remarks>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets whether the server may start on a new, empty database when the file at <see cref="DatabasePath"/>
    /// exists but is empty (0 bytes) or fails SQLite's <c>PRAGMA quick_check</c>. Default: <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// An empty or damaged file means the enrolled banks, sessions, models and privacy ledger are gone; starting
    /// silently would hide that. With this set, a damaged file is renamed to <c>&lt;path&gt;.damaged-&lt;UTC time&gt;</c>
    /// (never deleted) and a new database is created in its place. SQLite only.
    /// </remarks>
    public bool CreateNewDatabase { get; set; }
}
