using System.Data.Common;
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
/// network), and the coordinator runs <see cref="AdoFederationStore.CommitRoundAsync"/> off its session lock in any case.
/// </remarks>
internal sealed class SqliteFederationStore : AdoFederationStore
{
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
        // 5 (issue 13): each round's charge against its session's privacy budget, reserved before any cohort unmasks.
        // Every round released before it was charged once: its ledger entry becomes its reservation.
        """
        CREATE TABLE budget_reservations (
            session_id TEXT NOT NULL REFERENCES sessions(session_id),
            round_number INTEGER NOT NULL,
            charge INTEGER NOT NULL,
            reserved_unix_ms INTEGER NOT NULL,
            PRIMARY KEY (session_id, round_number),
            UNIQUE (session_id, charge));
        INSERT INTO budget_reservations (session_id, round_number, charge, reserved_unix_ms)
            SELECT session_id, round_number, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY round_number), recorded_unix_ms FROM privacy_ledger;
        """,
        // 6 (issue 14): the audit log of admin actions, append-only.
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            timestamp_unix_ms INTEGER NOT NULL,
            actor TEXT NOT NULL,
            remote_address TEXT NOT NULL,
            method TEXT NOT NULL,
            target_id TEXT NOT NULL,
            outcome TEXT NOT NULL);
        CREATE INDEX audit_log_time ON audit_log (timestamp_unix_ms);
        """,
    ];

    private readonly string _connectionString;
    private readonly StorageOptions _options;

    public SqliteFederationStore(IOptions<StorageOptions> options, TimeProvider? time = null)
        : base(time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
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

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PrepareFile();
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
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
            await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES (@v, @t);", cancellationToken, ("v", applied + 1), ("t", Time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override async Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        ArgumentOutOfRangeException.ThrowIfNegative(suspendAt);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE clients SET misbehaviour_count = misbehaviour_count + 1 WHERE client_id = @id;", cancellationToken, ("id", clientId)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "UPDATE clients SET suspended = 1 WHERE client_id = @id AND @at > 0 AND misbehaviour_count >= @at;", cancellationToken, ("id", clientId), ("at", suspendAt)).ConfigureAwait(false);
        EnrolledClient? client = await FindClientAsync(connection, transaction, clientId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return client;
    }

    public override async Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "UPDATE clients SET revoked = 1 WHERE client_id = @id;", cancellationToken, ("id", clientId)).ConfigureAwait(false);
        return await FindClientAsync(connection, null, clientId, cancellationToken).ConfigureAwait(false);
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
            string suffix = ".damaged-" + Time.GetUtcNow().UtcDateTime.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
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

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool durable = true)
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

    // SQLite compares text with BINARY (ordinal) unless told otherwise.
    protected override string OrdinalCollation => string.Empty;

    protected override string InsertClientIfNewSql => "INSERT OR IGNORE INTO clients (client_id, identity_public_key, revoked, enrolled_unix_ms) VALUES (@id, @key, 0, @t);";

    protected override string ReinstateClientSql => "UPDATE clients SET suspended = 0, misbehaviour_count = 0, enrolled_unix_ms = @t WHERE client_id = @id AND suspended = 1 AND revoked = 0 AND identity_public_key = @key;";

    protected override string InsertSessionIfNewSql => "INSERT OR IGNORE INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES (@id, @json, @state, @t);";

    // synchronous = NORMAL (OpenAsync with durable: false): in WAL mode the insert reaches the OS before the call is
    // accepted, so it survives a process crash or restart without an fsync per call (only a power loss can drop the last few).
    // BeginTransaction takes SQLite's write lock at once (BEGIN IMMEDIATE), which serialises reservations.
    protected override string LockSessionSql => "SELECT 1 FROM sessions WHERE session_id = @id;";

    protected override string InsertNonceIfNewSql => "INSERT OR IGNORE INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES (@id, @n, @e);";

    protected override void AddParameter(DbCommand command, string name, object value) =>
        ((SqliteCommand)command).Parameters.AddWithValue("@" + name, value);

    protected override object Code(int value) => value;

    protected override long ReadCode(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal);

    protected override bool ReadFlag(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;

    protected override int ReadInt32(DbDataReader reader, int ordinal) => (int)reader.GetInt64(ordinal);

    protected override byte[] ReadBytes(DbDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);
}
