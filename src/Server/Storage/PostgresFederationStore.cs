using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Storage;

/// <summary>
/// The PostgreSQL store (Npgsql): the same contract as the SQLite store, for state that several server processes
/// share. Migrations run under an advisory lock, so processes starting together apply each one once.
/// </summary>
internal sealed class PostgresFederationStore : IFederationStore, IAsyncDisposable, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string ClientColumns = "client_id, identity_public_key, revoked, enrolled_unix_ms, suspended, misbehaviour_count";
    private const string ModelColumns = "session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms";
    private const string SessionColumns = "session_id, definition_json, state, created_unix_ms";

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
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _target;
    private readonly TimeProvider _time;

    public PostgresFederationStore(IOptions<StorageOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time ?? TimeProvider.System;
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

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", MigrationLockKey)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_unix_ms bigint NOT NULL);", cancellationToken).ConfigureAwait(false);
            int applied = await ScalarAsync<int>(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken).ConfigureAwait(false);
            if (applied > Migrations.Length)
            {
                throw new Hosting.ServerStartupException($"StorageOptions:ConnectionString: the database ({_target}) has schema version {applied}, newer than this server's {Migrations.Length}; run a newer server (migrations only go forward).");
            }

            for (int version = applied + 1; version <= Migrations.Length; version++)
            {
                await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES (@v, @t);", cancellationToken, ("v", version), ("t", _time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
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

    public async Task<EnrolledClient?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindClientAsync(connection, null, clientId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EnrolledClient>> ListClientsAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {ClientColumns} FROM clients ORDER BY client_id COLLATE \"C\";", ReadClient, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> EnrollClientAsync(EnrolledClient client, CancellationToken cancellationToken)
    {
        StoreArguments.Client(client);
        byte[] key = client.IdentityPublicKey.ToArray();
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, null, "INSERT INTO clients (client_id, identity_public_key, enrolled_unix_ms) VALUES (@id, @key, @t) ON CONFLICT (client_id) DO NOTHING;", cancellationToken, ("id", client.ClientId), ("key", key), ("t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1)
        {
            return true;
        }

        // Re-enrolling a suspended bank with its own key is how an operator reinstates it (specs/api.md).
        return await ExecuteAsync(connection, null, "UPDATE clients SET suspended = false, misbehaviour_count = 0, enrolled_unix_ms = @t WHERE client_id = @id AND suspended AND NOT revoked AND identity_public_key = @key;", cancellationToken, ("id", client.ClientId), ("key", key), ("t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"UPDATE clients SET revoked = true WHERE client_id = @id RETURNING {ClientColumns};", ReadClient, cancellationToken, ("id", clientId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        ArgumentOutOfRangeException.ThrowIfNegative(suspendAt);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One statement: the count and the suspension it triggers are one atomic change, also under concurrent rounds.
        return (await QueryAsync(connection, null, $"UPDATE clients SET misbehaviour_count = misbehaviour_count + 1, suspended = suspended OR (@at > 0 AND misbehaviour_count + 1 >= @at) WHERE client_id = @id RETURNING {ClientColumns};", ReadClient, cancellationToken, ("id", clientId), ("at", suspendAt)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> CreateSessionAsync(StoredSession session, ModelVersionRecord initialModel, CancellationToken cancellationToken)
    {
        StoreArguments.NewSession(session, initialModel);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int inserted = await ExecuteAsync(connection, transaction, "INSERT INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES (@id, @json, @state, @t) ON CONFLICT (session_id) DO NOTHING;", cancellationToken, ("id", session.SessionId), ("json", session.DefinitionJson), ("state", (short)session.State), ("t", session.CreatedUnixMs)).ConfigureAwait(false);
        if (inserted != 1)
        {
            return false;
        }

        await InsertModelAsync(connection, transaction, initialModel, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    public async Task<StoredSession?> FindSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions WHERE session_id = @id;", ReadSession, cancellationToken, ("id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions ORDER BY created_unix_ms, session_id COLLATE \"C\";", ReadSession, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> SetSessionStateAsync(string sessionId, SessionState state, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        StoreArguments.State(state, nameof(state));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "UPDATE sessions SET state = @s WHERE session_id = @id;", cancellationToken, ("s", (short)state), ("id", sessionId)).ConfigureAwait(false) == 1;
    }

    public async Task<ModelVersionRecord?> FindModelAsync(string sessionId, long version, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = @id AND version = @v;", ReadModel, cancellationToken, ("id", sessionId), ("v", version)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<ModelVersionRecord?> FindLatestModelAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = @id ORDER BY version DESC LIMIT 1;", ReadModel, cancellationToken, ("id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task CommitRoundAsync(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState, CancellationToken cancellationToken)
    {
        StoreArguments.Round(round, newModel, ledgerEntry, newSessionState);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (newModel is not null)
        {
            await InsertModelAsync(connection, transaction, newModel, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES (@id, @r, @o, @json, @v, @t);", cancellationToken, ("id", round.SessionId), ("r", round.RoundNumber), ("o", (short)round.Outcome), ("json", JsonSerializer.Serialize(round, Json)), ("v", (object?)round.ModelVersion ?? DBNull.Value), ("t", round.EndedUnixMs)).ConfigureAwait(false);
        if (ledgerEntry is not null)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO privacy_ledger (session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms) VALUES (@id, @r, @e, @d, @m, @t);", cancellationToken, ("id", ledgerEntry.SessionId), ("r", ledgerEntry.RoundNumber), ("e", ledgerEntry.EpsilonSpentTotal), ("d", ledgerEntry.Delta), ("m", ledgerEntry.MechanismJson), ("t", ledgerEntry.RecordedUnixMs)).ConfigureAwait(false);
        }

        if (newSessionState is { } state)
        {
            await ExecuteAsync(connection, transaction, "UPDATE sessions SET state = @s WHERE session_id = @id;", cancellationToken, ("s", (short)state), ("id", round.SessionId)).ConfigureAwait(false);
        }

        // The last point at which cancelling leaves the old state: past it the round is committed whatever the caller does.
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RoundRecordData>> ListRoundsAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT record_json, outcome FROM rounds WHERE session_id = @id ORDER BY round_number;", r => JsonSerializer.Deserialize<RoundRecordData>(r.GetString(0), Json)! with { Outcome = (RoundOutcomeKind)r.GetInt16(1) }, cancellationToken, ("id", sessionId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LedgerEntryData>> ListLedgerAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms FROM privacy_ledger WHERE session_id = @id ORDER BY round_number;", r => new LedgerEntryData(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4), r.GetInt64(5)), cancellationToken, ("id", sessionId)).ConfigureAwait(false);
    }

    public async Task<bool> TryRecordNonceAsync(string clientId, ReadOnlyMemory<byte> nonce, long expiresUnixMs, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        if (nonce.IsEmpty)
        {
            throw new ArgumentException("A call nonce must not be empty.", nameof(nonce));
        }

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "INSERT INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES (@id, @n, @e) ON CONFLICT DO NOTHING;", cancellationToken, ("id", clientId), ("n", nonce.ToArray()), ("e", expiresUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<int> PruneNoncesAsync(long nowUnixMs, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "DELETE FROM call_nonces WHERE expires_unix_ms < @now;", cancellationToken, ("now", nowUnixMs)).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private static async Task<EnrolledClient?> FindClientAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string clientId, CancellationToken cancellationToken) =>
        (await QueryAsync(connection, transaction, $"SELECT {ClientColumns} FROM clients WHERE client_id = @id;", ReadClient, cancellationToken, ("id", clientId)).ConfigureAwait(false)).FirstOrDefault();

    private static Task<int> InsertModelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ModelVersionRecord model, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"INSERT INTO model_versions ({ModelColumns}) VALUES (@id, @v, @r, @w, @c, @e, @d, @p, @t);", cancellationToken, ("id", model.SessionId), ("v", model.Version), ("r", model.RoundNumber), ("w", WeightCodec.Encode(model.Weights)), ("c", model.Contributors), ("e", model.EpsilonSpent), ("d", model.Delta), ("p", model.PrivacyJson), ("t", model.CreatedUnixMs));

    private static EnrolledClient ReadClient(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetBoolean(2), reader.GetInt64(3), reader.GetBoolean(4), reader.GetInt32(5));

    private static StoredSession ReadSession(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), (SessionState)reader.GetInt16(2), reader.GetInt64(3));

    private static ModelVersionRecord ReadModel(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), WeightCodec.Decode(reader.GetFieldValue<byte[]>(3)), reader.GetInt32(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetString(7), reader.GetInt64(8));

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using NpgsqlCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = Command(connection, transaction, sql, []);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using NpgsqlCommand command = Command(connection, transaction, sql, parameters);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.Add(value is byte[] ? new NpgsqlParameter(name, NpgsqlDbType.Bytea) { Value = value } : new NpgsqlParameter(name, value));
        }

        return command;
    }
}
