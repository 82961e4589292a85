using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Storage;

/// <summary>
/// The PostgreSQL store (Npgsql): the same contract as the SQLite store, for state that several server processes
/// share. Migrations run under an advisory lock, so processes starting together apply each one once.
/// </summary>
internal sealed class PostgresFederationStore : AdoFederationStore, IAsyncDisposable, IDisposable
{
    // A fixed key for pg_advisory_xact_lock: "PrivFlMg" as a 64-bit number; only migrations take it.
    private const long MigrationLockKey = 0x5072_6976_466C_4D67;

    // Each migration runs once, in order, and is recorded in schema_migrations; never edit one that has shipped.
    // Version 1 starts where the SQLite schema is after its migration 4: states and outcomes are enum numbers.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE clients (
            client_id text PRIMARY KEY,
            identity_public_key bytea NOT NULL,
            revoked boolean NOT NULL DEFAULT false,
            enrolled_unix_ms bigint NOT NULL,
            suspended boolean NOT NULL DEFAULT false,
            misbehaviour_count integer NOT NULL DEFAULT 0);
        CREATE TABLE sessions (
            session_id text PRIMARY KEY,
            definition_json text NOT NULL,
            state smallint NOT NULL CHECK (state IN (1, 2, 3)),
            created_unix_ms bigint NOT NULL);
        CREATE TABLE model_versions (
            session_id text NOT NULL REFERENCES sessions(session_id),
            version bigint NOT NULL,
            round_number bigint NOT NULL,
            weights bytea NOT NULL,
            contributors integer NOT NULL,
            epsilon_spent double precision NOT NULL,
            delta double precision NOT NULL,
            privacy_json text NOT NULL,
            created_unix_ms bigint NOT NULL,
            PRIMARY KEY (session_id, version));
        CREATE FUNCTION privatefl_model_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'model versions are immutable'; END $$;
        CREATE TRIGGER model_versions_immutable BEFORE UPDATE OR DELETE ON model_versions
            FOR EACH ROW EXECUTE FUNCTION privatefl_model_versions_immutable();
        CREATE TABLE rounds (
            session_id text NOT NULL REFERENCES sessions(session_id),
            round_number bigint NOT NULL,
            outcome smallint NOT NULL CHECK (outcome IN (1, 2)),
            record_json text NOT NULL,
            model_version bigint,
            ended_unix_ms bigint NOT NULL,
            PRIMARY KEY (session_id, round_number));
        CREATE TABLE privacy_ledger (
            session_id text NOT NULL REFERENCES sessions(session_id),
            round_number bigint NOT NULL,
            epsilon_spent_total double precision NOT NULL,
            delta double precision NOT NULL,
            mechanism_json text NOT NULL,
            recorded_unix_ms bigint NOT NULL,
            PRIMARY KEY (session_id, round_number));
        CREATE TABLE call_nonces (
            client_id text NOT NULL,
            nonce bytea NOT NULL,
            expires_unix_ms bigint NOT NULL,
            PRIMARY KEY (client_id, nonce));
        CREATE INDEX call_nonces_expiry ON call_nonces (expires_unix_ms);
        """,
        // 2 (issue 13): each round's charge against its session's privacy budget, reserved before any cohort unmasks.
        // Every round released before it was charged once: its ledger entry becomes its reservation.
        """
        CREATE TABLE budget_reservations (
            session_id text NOT NULL REFERENCES sessions(session_id),
            round_number bigint NOT NULL,
            charge integer NOT NULL,
            reserved_unix_ms bigint NOT NULL,
            PRIMARY KEY (session_id, round_number),
            UNIQUE (session_id, charge));
        INSERT INTO budget_reservations (session_id, round_number, charge, reserved_unix_ms)
            SELECT session_id, round_number, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY round_number), recorded_unix_ms FROM privacy_ledger;
        """,
        // 3 (issue 14): the audit log of admin actions, append-only.
        """
        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            timestamp_unix_ms bigint NOT NULL,
            actor text NOT NULL,
            remote_address text NOT NULL,
            method text NOT NULL,
            target_id text NOT NULL,
            outcome text NOT NULL);
        CREATE INDEX audit_log_time ON audit_log (timestamp_unix_ms);
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _target;

    public PostgresFederationStore(IOptions<StorageOptions> options, TimeProvider? time = null)
        : base(time)
    {
        ArgumentNullException.ThrowIfNull(options);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Never the parser's message: it can quote a value, and the value can be the password.
            throw new Hosting.ServerStartupException($"StorageOptions:ConnectionString is not a valid PostgreSQL connection string ({ex.GetType().Name}).");
        }

        _target = $"host {builder.Host}:{builder.Port}, database '{builder.Database}', user '{builder.Username}'";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>The number of schema migrations this code knows (the highest version it writes).</summary>
    internal static int SchemaVersion => Migrations.Length;

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", MigrationLockKey)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_unix_ms bigint NOT NULL);", cancellationToken).ConfigureAwait(false);
            int applied = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (applied > Migrations.Length)
            {
                throw new Hosting.ServerStartupException($"StorageOptions:ConnectionString: the database ({_target}) has schema version {applied}, newer than this server's {Migrations.Length}; run a newer server (migrations only go forward).");
            }

            for (int version = applied + 1; version <= Migrations.Length; version++)
            {
                await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES (@v, @t);", cancellationToken, ("v", version), ("t", Time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Npgsql's and the server's messages name hosts, databases and users, never the password.
            string why = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.InnerException?.Message ?? ex.Message;
            throw new Hosting.ServerStartupException($"StorageOptions:ConnectionString: cannot use PostgreSQL ({_target}): {why}", ex);
        }
    }

    public override async Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"UPDATE clients SET revoked = true WHERE client_id = @id RETURNING {ClientColumns};", ReadClient, cancellationToken, ("id", clientId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public override async Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        ArgumentOutOfRangeException.ThrowIfNegative(suspendAt);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One statement: the count and the suspension it triggers are one atomic change, also under concurrent rounds.
        return (await QueryAsync(connection, null, $"UPDATE clients SET misbehaviour_count = misbehaviour_count + 1, suspended = suspended OR (@at > 0 AND misbehaviour_count + 1 >= @at) WHERE client_id = @id RETURNING {ClientColumns};", ReadClient, cancellationToken, ("id", clientId), ("at", suspendAt)).ConfigureAwait(false)).FirstOrDefault();
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    // PostgreSQL sorts text by the database's collation; "C" is the ordinal order the SQLite store lists in.
    protected override string OrdinalCollation => " COLLATE \"C\"";

    protected override string InsertClientIfNewSql => "INSERT INTO clients (client_id, identity_public_key, enrolled_unix_ms) VALUES (@id, @key, @t) ON CONFLICT (client_id) DO NOTHING;";

    protected override string ReinstateClientSql => "UPDATE clients SET suspended = false, misbehaviour_count = 0, enrolled_unix_ms = @t WHERE client_id = @id AND suspended AND NOT revoked AND identity_public_key = @key;";

    protected override string InsertSessionIfNewSql => "INSERT INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES (@id, @json, @state, @t) ON CONFLICT (session_id) DO NOTHING;";

    // The session's row lock serialises the reservations of all processes that share the database.
    protected override string LockSessionSql => "SELECT 1 FROM sessions WHERE session_id = @id FOR UPDATE;";

    protected override string InsertNonceIfNewSql => "INSERT INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES (@id, @n, @e) ON CONFLICT DO NOTHING;";

    // Every write to PostgreSQL is durable on commit; the nonce hint is for SQLite only.
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool durable = true) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override void AddParameter(DbCommand command, string name, object value) =>
        ((NpgsqlCommand)command).Parameters.Add(value is byte[] ? new NpgsqlParameter(name, NpgsqlDbType.Bytea) { Value = value } : new NpgsqlParameter(name, value));

    // state and outcome are smallint columns.
    protected override object Code(int value) => (short)value;

    protected override long ReadCode(DbDataReader reader, int ordinal) => reader.GetInt16(ordinal);

    protected override bool ReadFlag(DbDataReader reader, int ordinal) => reader.GetBoolean(ordinal);

    protected override int ReadInt32(DbDataReader reader, int ordinal) => reader.GetInt32(ordinal);

    protected override byte[] ReadBytes(DbDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}
