using PrivateFl.Server.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures the PrivateFl server added by <see cref="PrivateFlServerServiceCollectionExtensions.AddPrivateFlServer"/>:
/// chiefly where its state is stored.
/// </summary>
/// <remarks>
/// Without a choice in code, <c>StorageOptions:Provider</c> from configuration decides, and its default is the embedded
/// SQLite file. A choice made here wins over configuration.
/// </remarks>
public sealed class PrivateFlServerBuilder
{
    internal PrivateFlServerBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection the server was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Stores the server's state in an embedded SQLite file (the default).</summary>
    /// <param name="databasePath">The database file; null keeps <c>StorageOptions:DatabasePath</c> (default <c>privatefl.db</c>).</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or white space.</exception>
    /// <remarks>
    /// The file is created owner-only (0600); an existing file that is empty or fails <c>PRAGMA quick_check</c> is refused
    /// at start-up unless <see cref="StorageOptions.CreateNewDatabase"/> is set.
    /// </remarks>
    public PrivateFlServerBuilder UseSqlite(string? databasePath = null)
    {
        if (databasePath is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        }

        Services.Configure<StorageOptions>(options =>
        {
            options.Provider = StorageProvider.Sqlite;
            options.DatabasePath = databasePath ?? options.DatabasePath;
        });
        return this;
    }

    /// <summary>Stores the server's state in PostgreSQL (Npgsql), which several server processes may share.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=127.0.0.1;Port=5432;Database=privatefl;Username=privatefl;Password=…</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or white space.</exception>
    /// <remarks>The schema is created or upgraded at start-up; the connection string is checked then, and never printed.</remarks>
    public PrivateFlServerBuilder UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.Configure<StorageOptions>(options =>
        {
            options.Provider = StorageProvider.Postgres;
            options.ConnectionString = connectionString;
        });
        return this;
    }
}
