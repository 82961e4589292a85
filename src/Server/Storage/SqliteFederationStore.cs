using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Storage;

/// <summary>
/// The embedded SQLite store: one owner-only file in WAL mode, checked and migrated at start-up, immutable model
/// versions enforced by triggers.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite runs its "asynchronous" methods synchronously; the calls are short (one local file, no
/// network), and the coordinator runs <see cref="CommitRoundAsync"/> off its session lock in any case.
/// </remarks>
internal sealed class SqliteFederationStore : IFederationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string ClientColumns = "client_id, identity_public_key, revoked, enrolled_unix_ms, suspended, misbehaviour_count";
    private const string ModelColumns = "session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms";
    private const string SessionColumns = "session_id, definition_json, state, created_unix_ms";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE clients (
            client_id TEXT PRIMARY KEY,
            identity_public_key BLOB NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0,
            enrolled_unix_ms INTEGER NOT NULL);
        CREATE TABLE sessions (
            session_id TEXT PRIMARY KEY,
            definition_json TEXT NOT NULL,
            state TEXT NOT NULL,
            created_unix_ms INTEGER NOT NULL);
        CREATE TABLE model_versions (
            session_id TEXT NOT NULL REFERENCES sessions(session_id),
            version INTEGER NOT NULL,
            round_number INTEGER NOT NULL,
            weights BLOB NOT NULL,
            contributors INTEGER NOT NULL,
            epsilon_spent REAL NOT NULL,
            delta REAL NOT NULL,
            privacy_json TEXT NOT NULL,
            created_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (session_id, version));
        CREATE TRIGGER model_versions_no_update BEFORE UPDATE ON model_versions
            BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
        CREATE TRIGGER model_versions_no_delete BEFORE DELETE ON model_versions
            BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
        CREATE TABLE rounds (
            session_id TEXT NOT NULL REFERENCES sessions(session_id),
            round_number INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            record_json TEXT NOT NULL,
            model_version INTEGER,
            ended_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (session_id, round_number));
        CREATE TABLE privacy_ledger (
            session_id TEXT NOT NULL REFERENCES sessions(session_id),
            round_number INTEGER NOT NULL,
            epsilon_spent_total REAL NOT NULL,
            delta REAL NOT NULL,
            mechanism_json TEXT NOT NULL,
            recorded_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (session_id, round_number));
        """,
        """
        CREATE TABLE call_nonces (
            client_id TEXT NOT NULL,
            nonce BLOB NOT NULL,
            expires_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (client_id, nonce)) WITHOUT ROWID;
        CREATE INDEX call_nonces_expiry ON call_nonces (expires_unix_ms);
        """,
        """
        ALTER TABLE clients ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE clients ADD COLUMN misbehaviour_count INTEGER NOT NULL DEFAULT 0;
        """,
        // 4 (issue 12): session states and round outcomes become the integer values of SessionState and
        // RoundOutcomeKind, in their columns and inside each round's stored record. An unknown string stops the
        // migration (NOT NULL) and rolls it back rather than guessing.
        """
        ALTER TABLE sessions ADD COLUMN state_code INTEGER NOT NULL DEFAULT 0;
        UPDATE sessions SET state_code = CASE state WHEN 'ACTIVE' THEN 1 WHEN 'COMPLETED' THEN 2 WHEN 'BUDGET_EXHAUSTED' THEN 3 END;
        ALTER TABLE sessions DROP COLUMN state;
        ALTER TABLE sessions RENAME COLUMN state_code TO state;
        ALTER TABLE rounds ADD COLUMN outcome_code INTEGER NOT NULL DEFAULT 0;
        UPDATE rounds SET outcome_code = CASE outcome WHEN 'COMPLETED' THEN 1 WHEN 'ABORTED' THEN 2 END;
        UPDATE rounds SET record_json = json_set(record_json, '$.outcome', outcome_code);
        ALTER TABLE rounds DROP COLUMN outcome;
        ALTER TABLE rounds RENAME COLUMN outcome_code TO outcome;
        """,
    ];

    private readonly string _connectionString;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;

    public SqliteFederationStore(IOptions<StorageOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Value.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
    }

    /// <summary>The number of schema migrations this code knows (the highest version it writes).</summary>
    internal static int SchemaVersion => Migrations.Length;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PrepareFile();
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_unix_ms INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // The version is read inside the write transaction, so two stores migrating one file at once apply each step once.
            await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long applied = (long)(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken).ConfigureAwait(false))!;
            if (applied > Migrations.Length)
            {
                throw new Hosting.ServerStartupException($"StorageOptions:DatabasePath '{_options.DatabasePath}' has schema version {applied}, newer than this server's {Migrations.Length}; run a newer server (migrations only go forward).");
            }

            if (applied == Migrations.Length)
            {
                return;
            }

            await ExecuteAsync(connection, transaction, Migrations[applied], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES ($v, $t);", cancellationToken, ("$v", applied + 1), ("$t", _time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async Task<EnrolledClient?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindClientAsync(connection, null, clientId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EnrolledClient>> ListClientsAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {ClientColumns} FROM clients ORDER BY client_id;", ReadClient, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> EnrollClientAsync(EnrolledClient client, CancellationToken cancellationToken)
    {
        StoreArguments.Client(client);
        byte[] key = client.IdentityPublicKey.ToArray();
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, null, "INSERT OR IGNORE INTO clients (client_id, identity_public_key, revoked, enrolled_unix_ms) VALUES ($id, $key, 0, $t);", cancellationToken, ("$id", client.ClientId), ("$key", key), ("$t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1)
        {
            return true;
        }

        // Re-enrolling a suspended bank with its own key is how an operator reinstates it (specs/api.md).
        return await ExecuteAsync(connection, null, "UPDATE clients SET suspended = 0, misbehaviour_count = 0, enrolled_unix_ms = $t WHERE client_id = $id AND suspended = 1 AND revoked = 0 AND identity_public_key = $key;", cancellationToken, ("$id", client.ClientId), ("$key", key), ("$t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        ArgumentOutOfRangeException.ThrowIfNegative(suspendAt);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE clients SET misbehaviour_count = misbehaviour_count + 1 WHERE client_id = $id;", cancellationToken, ("$id", clientId)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE clients SET suspended = 1 WHERE client_id = $id AND $at > 0 AND misbehaviour_count >= $at;", cancellationToken, ("$id", clientId), ("$at", suspendAt)).ConfigureAwait(false);
        EnrolledClient? client = await FindClientAsync(connection, transaction, clientId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return client;
    }

    public async Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "UPDATE clients SET revoked = 1 WHERE client_id = $id;", cancellationToken, ("$id", clientId)).ConfigureAwait(false);
        return await FindClientAsync(connection, null, clientId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> CreateSessionAsync(StoredSession session, ModelVersionRecord initialModel, CancellationToken cancellationToken)
    {
        StoreArguments.NewSession(session, initialModel);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int inserted = await ExecuteAsync(connection, transaction, "INSERT OR IGNORE INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES ($id, $json, $state, $t);", cancellationToken, ("$id", session.SessionId), ("$json", session.DefinitionJson), ("$state", (int)session.State), ("$t", session.CreatedUnixMs)).ConfigureAwait(false);
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
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions WHERE session_id = $id;", ReadSession, cancellationToken, ("$id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> SetSessionStateAsync(string sessionId, SessionState state, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        StoreArguments.State(state, nameof(state));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "UPDATE sessions SET state = $s WHERE session_id = $id;", cancellationToken, ("$s", (int)state), ("$id", sessionId)).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions ORDER BY created_unix_ms, session_id;", ReadSession, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersionRecord?> FindModelAsync(string sessionId, long version, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = $id AND version = $v;", ReadModel, cancellationToken, ("$id", sessionId), ("$v", version)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<ModelVersionRecord?> FindLatestModelAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = $id ORDER BY version DESC LIMIT 1;", ReadModel, cancellationToken, ("$id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task CommitRoundAsync(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState, CancellationToken cancellationToken)
    {
        StoreArguments.Round(round, newModel, ledgerEntry, newSessionState);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (newModel is not null)
        {
            await InsertModelAsync(connection, transaction, newModel, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES ($id, $r, $o, $json, $v, $t);", cancellationToken, ("$id", round.SessionId), ("$r", round.RoundNumber), ("$o", (int)round.Outcome), ("$json", JsonSerializer.Serialize(round, Json)), ("$v", (object?)round.ModelVersion ?? DBNull.Value), ("$t", round.EndedUnixMs)).ConfigureAwait(false);
        if (ledgerEntry is not null)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO privacy_ledger (session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms) VALUES ($id, $r, $e, $d, $m, $t);", cancellationToken, ("$id", ledgerEntry.SessionId), ("$r", ledgerEntry.RoundNumber), ("$e", ledgerEntry.EpsilonSpentTotal), ("$d", ledgerEntry.Delta), ("$m", ledgerEntry.MechanismJson), ("$t", ledgerEntry.RecordedUnixMs)).ConfigureAwait(false);
        }

        if (newSessionState is { } state)
        {
            await ExecuteAsync(connection, transaction, "UPDATE sessions SET state = $s WHERE session_id = $id;", cancellationToken, ("$s", (int)state), ("$id", round.SessionId)).ConfigureAwait(false);
        }

        // The last point at which cancelling leaves the old state: past it the round is committed whatever the caller does.
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RoundRecordData>> ListRoundsAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT record_json, outcome FROM rounds WHERE session_id = $id ORDER BY round_number;", ReadRound, cancellationToken, ("$id", sessionId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LedgerEntryData>> ListLedgerAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms FROM privacy_ledger WHERE session_id = $id ORDER BY round_number;", r => new LedgerEntryData(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4), r.GetInt64(5)), cancellationToken, ("$id", sessionId)).ConfigureAwait(false);
    }

    public async Task<bool> TryRecordNonceAsync(string clientId, ReadOnlyMemory<byte> nonce, long expiresUnixMs, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        if (nonce.IsEmpty)
        {
            throw new ArgumentException("A call nonce must not be empty.", nameof(nonce));
        }

        // synchronous = NORMAL: in WAL mode the insert reaches the OS before the call is accepted, so it survives a
        // process crash or restart without an fsync per call (only a power loss can drop the last few).
        await using SqliteConnection connection = await OpenAsync(cancellationToken, durable: false).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "INSERT OR IGNORE INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES ($id, $n, $e);", cancellationToken, ("$id", clientId), ("$n", nonce.ToArray()), ("$e", expiresUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<int> PruneNoncesAsync(long nowUnixMs, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken, durable: false).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "DELETE FROM call_nonces WHERE expires_unix_ms < $now;", cancellationToken, ("$now", nowUnixMs)).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses an existing file that is empty or fails <c>PRAGMA quick_check</c> (unless
    /// <see cref="StorageOptions.CreateNewDatabase"/>), creates a missing one owner-only, and narrows the mode of an
    /// existing database and its WAL files to 0600.
    /// </summary>
    private void PrepareFile()
    {
        string path = Path.GetFullPath(_options.DatabasePath);
        if (!File.Exists(path))
        {
            OwnerOnlyFiles.CreateEmpty(path);
            return;
        }

        foreach (string file in DatabaseFiles(path))
        {
            OwnerOnlyFiles.Restrict(file);
        }

        string? problem = new FileInfo(path).Length == 0 ? "the file is empty (0 bytes)" : QuickCheck(path);
        if (problem is null)
        {
            return;
        }

        if (!_options.CreateNewDatabase)
        {
            throw new Hosting.ServerStartupException($"StorageOptions:DatabasePath '{_options.DatabasePath}' is not a usable database: {problem}. Restore it from a backup, or set StorageOptions:CreateNewDatabase=true to start on a new, empty database (a damaged file is kept beside it).");
        }

        if (new FileInfo(path).Length > 0)
        {
            string suffix = ".damaged-" + _time.GetUtcNow().UtcDateTime.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
            SqliteConnection.ClearAllPools();
            foreach (string file in DatabaseFiles(path).Where(File.Exists))
            {
                File.Move(file, file.Replace(path, path + suffix, StringComparison.Ordinal));
            }

            OwnerOnlyFiles.CreateEmpty(path);
        }
    }

    private static string[] DatabaseFiles(string path) => [path, path + "-wal", path + "-shm"];

    private static string? QuickCheck(string path)
    {
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check;";
            using SqliteDataReader reader = command.ExecuteReader();
            var findings = new List<string>();
            while (reader.Read() && findings.Count < 3)
            {
                findings.Add(reader.GetString(0));
            }

            return findings is ["ok"] ? null : "PRAGMA quick_check found: " + string.Join("; ", findings);
        }
        catch (SqliteException ex)
        {
            // SQLITE_NOTADB (26), SQLITE_CORRUPT (11) and the like: the message is SQLite's short text, no data.
            return $"SQLite error {ex.SqliteErrorCode} ({ex.Message.Split('\n')[0].Trim()})";
        }
    }

    private static async Task<EnrolledClient?> FindClientAsync(SqliteConnection connection, DbTransaction? transaction, string clientId, CancellationToken cancellationToken) =>
        (await QueryAsync(connection, transaction, $"SELECT {ClientColumns} FROM clients WHERE client_id = $id;", ReadClient, cancellationToken, ("$id", clientId)).ConfigureAwait(false)).FirstOrDefault();

    private static Task<int> InsertModelAsync(SqliteConnection connection, DbTransaction transaction, ModelVersionRecord model, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"INSERT INTO model_versions ({ModelColumns}) VALUES ($id, $v, $r, $w, $c, $e, $d, $p, $t);", cancellationToken, ("$id", model.SessionId), ("$v", model.Version), ("$r", model.RoundNumber), ("$w", WeightCodec.Encode(model.Weights)), ("$c", model.Contributors), ("$e", model.EpsilonSpent), ("$d", model.Delta), ("$p", model.PrivacyJson), ("$t", model.CreatedUnixMs));

    private static EnrolledClient ReadClient(SqliteDataReader reader) =>
        new(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2) != 0, reader.GetInt64(3), reader.GetInt64(4) != 0, (int)reader.GetInt64(5));

    private static StoredSession ReadSession(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), (SessionState)reader.GetInt64(2), reader.GetInt64(3));

    private static ModelVersionRecord ReadModel(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), WeightCodec.Decode((byte[])reader.GetValue(3)), (int)reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetString(7), reader.GetInt64(8));

    // The outcome column is authoritative; the record's own copy was rewritten with it by migration 4.
    private static RoundRecordData ReadRound(SqliteDataReader reader) =>
        JsonSerializer.Deserialize<RoundRecordData>(reader.GetString(0), Json)! with { Outcome = (RoundOutcomeKind)reader.GetInt64(1) };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken, bool durable = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, durable ? "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;" : "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Task<int> ExecuteAsync(SqliteConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using SqliteCommand command = Command(connection, transaction, sql, []);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, DbTransaction? transaction, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static SqliteCommand Command(SqliteConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
