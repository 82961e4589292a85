using System.Reflection;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Hosting;

/// <summary>
/// Creates Orleans' membership tables from the scripts carried in PrivateFl.Cluster (<c>src/Cluster/Sql</c>) when they
/// are missing, before the silo starts joining: adding a silo is then configuration only.
/// </summary>
/// <remarks>
/// The check and the scripts run in one transaction under a transaction-scoped advisory lock, so silos that start at
/// the same moment create the tables exactly once and the others find them; PostgreSQL's DDL is transactional, so a
/// failure leaves nothing half-made.
/// </remarks>
internal sealed partial class OrleansPostgresSchema(
    IOptions<ClusterHostingOptions> cluster,
    IOptions<StorageOptions> storage,
    ILogger<OrleansPostgresSchema> logger) : IHostedService
{
    /// <summary>"PFlOrlSc": distinct from the store's migration lock, which may be on the same database.</summary>
    internal const long SchemaLockKey = 0x5046_6C4F_726C_5363;

    internal const string MainScript = "PrivateFl.Cluster.Sql.PostgreSQL-Main.sql";
    internal const string ClusteringScript = "PrivateFl.Cluster.Sql.PostgreSQL-Clustering.sql";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (cluster.Value.Membership != ClusterMembership.Postgres)
        {
            return;
        }

        string connectionString = ClusterHostingOptionsValidator.EffectiveConnectionString(cluster.Value, storage.Value);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string target = $"host {builder.Host}:{builder.Port}, database '{builder.Database}', user '{builder.Username}'";
        try
        {
            int created = await EnsureAsync(connectionString, cancellationToken).ConfigureAwait(false);
            if (created > 0)
            {
                LogTablesCreated(logger, created);
            }
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Npgsql's and the server's messages name hosts, databases and users, never the password.
            string why = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.InnerException?.Message ?? ex.Message;
            throw new ServerStartupException($"Cluster:ConnectionString: cannot create Orleans' membership tables on PostgreSQL ({target}): {why}", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs whichever of the two scripts has not run yet; returns how many ran (0 to 2).</summary>
    internal static async Task<int> EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection, transaction))
        {
            command.Parameters.AddWithValue("key", SchemaLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int ran = 0;
        // The main script creates OrleansQuery, which every ADO.NET provider of Orleans shares; the clustering script
        // adds the membership tables and their queries.
        foreach ((string table, string script) in new[] { ("orleansquery", MainScript), ("orleansmembershiptable", ClusteringScript) })
        {
            bool exists;
            await using (var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL;", connection, transaction))
            {
                command.Parameters.AddWithValue("table", table);
                exists = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (!exists)
            {
                await using var command = new NpgsqlCommand(ReadScript(script), connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ran++;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ran;
    }

    internal static string ReadScript(string name)
    {
        Assembly assembly = typeof(PrivateFl.Cluster.ISiloProbeGrain).Assembly;
        using Stream stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"{assembly.GetName().Name} does not embed {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, EventName = "OrleansTablesCreated", Message = "Ran {Count} of Orleans' PostgreSQL scripts: the membership tables now exist.")]
    private static partial void LogTablesCreated(ILogger logger, int count);
}
