using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Storage;

/// <summary>The SQLite store: WAL mode, migrations at start-up, immutable model versions enforced by triggers.</summary>
internal sealed class SqliteFederationStore : IFederationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Each migration runs once, in order, inside a transaction; never edit one that has shipped.
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
    ];

    private readonly string _connectionString;
    private readonly StorageOptions _options;

    public SqliteFederationStore(IOptions<StorageOptions> options)
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

    public void Migrate()
    {
        PrepareFile();
        using SqliteConnection connection = Open();
        Execute(connection, null, "PRAGMA journal_mode = WAL;");
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_unix_ms INTEGER NOT NULL);");
        long applied = Scalar<long>(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;");
        for (int version = (int)applied + 1; version <= Migrations.Length; version++)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            Execute(connection, transaction, Migrations[version - 1]);
            Execute(connection, transaction, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES ($v, $t);", ("$v", version), ("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            transaction.Commit();
        }
    }

    public EnrolledClient? FindClient(string clientId)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT client_id, identity_public_key, revoked, enrolled_unix_ms FROM clients WHERE client_id = $id;", ReadClient, ("$id", clientId)).FirstOrDefault();
    }

    public IReadOnlyList<EnrolledClient> ListClients()
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT client_id, identity_public_key, revoked, enrolled_unix_ms FROM clients ORDER BY client_id;", ReadClient);
    }

    public bool EnrollClient(EnrolledClient client)
    {
        using SqliteConnection connection = Open();
        return Execute(connection, null, "INSERT OR IGNORE INTO clients (client_id, identity_public_key, revoked, enrolled_unix_ms) VALUES ($id, $key, 0, $t);", ("$id", client.ClientId), ("$key", client.IdentityPublicKey), ("$t", client.EnrolledUnixMs)) == 1;
    }

    public EnrolledClient? RevokeClient(string clientId)
    {
        using SqliteConnection connection = Open();
        Execute(connection, null, "UPDATE clients SET revoked = 1 WHERE client_id = $id;", ("$id", clientId));
        return Query(connection, "SELECT client_id, identity_public_key, revoked, enrolled_unix_ms FROM clients WHERE client_id = $id;", ReadClient, ("$id", clientId)).FirstOrDefault();
    }

    public bool CreateSession(SessionDefinition definition, ModelVersionRecord initialModel)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction transaction = connection.BeginTransaction();
        int inserted = Execute(connection, transaction, "INSERT OR IGNORE INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES ($id, $json, $state, $t);", ("$id", definition.SessionId), ("$json", JsonSerializer.Serialize(definition, Json)), ("$state", StoredSession.Active), ("$t", definition.CreatedUnixMs));
        if (inserted != 1)
        {
            return false;
        }

        InsertModel(connection, transaction, initialModel);
        transaction.Commit();
        return true;
    }

    public StoredSession? FindSession(string sessionId)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT definition_json, state FROM sessions WHERE session_id = $id;", ReadSession, ("$id", sessionId)).FirstOrDefault();
    }

    public void SetSessionState(string sessionId, string state)
    {
        using SqliteConnection connection = Open();
        Execute(connection, null, "UPDATE sessions SET state = $s WHERE session_id = $id;", ("$s", state), ("$id", sessionId));
    }

    public IReadOnlyList<StoredSession> ListSessions()
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT definition_json, state FROM sessions ORDER BY created_unix_ms, session_id;", ReadSession);
    }

    public ModelVersionRecord? FindModel(string sessionId, long version)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms FROM model_versions WHERE session_id = $id AND version = $v;", ReadModel, ("$id", sessionId), ("$v", version)).FirstOrDefault();
    }

    public ModelVersionRecord LatestModel(string sessionId)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms FROM model_versions WHERE session_id = $id ORDER BY version DESC LIMIT 1;", ReadModel, ("$id", sessionId)).FirstOrDefault()
            ?? throw new InvalidOperationException($"Session '{sessionId}' has no model version.");
    }

    public void CommitRound(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, string? newSessionState)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction transaction = connection.BeginTransaction();
        if (newModel is not null)
        {
            InsertModel(connection, transaction, newModel);
        }

        Execute(connection, transaction, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES ($id, $r, $o, $json, $v, $t);", ("$id", round.SessionId), ("$r", round.RoundNumber), ("$o", round.Outcome), ("$json", JsonSerializer.Serialize(round, Json)), ("$v", (object?)round.ModelVersion ?? DBNull.Value), ("$t", round.EndedUnixMs));
        if (ledgerEntry is not null)
        {
            Execute(connection, transaction, "INSERT INTO privacy_ledger (session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms) VALUES ($id, $r, $e, $d, $m, $t);", ("$id", ledgerEntry.SessionId), ("$r", ledgerEntry.RoundNumber), ("$e", ledgerEntry.EpsilonSpentTotal), ("$d", ledgerEntry.Delta), ("$m", ledgerEntry.MechanismJson), ("$t", ledgerEntry.RecordedUnixMs));
        }

        if (newSessionState is not null)
        {
            Execute(connection, transaction, "UPDATE sessions SET state = $s WHERE session_id = $id;", ("$s", newSessionState), ("$id", round.SessionId));
        }

        transaction.Commit();
    }

    public IReadOnlyList<RoundRecordData> ListRounds(string sessionId)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT record_json FROM rounds WHERE session_id = $id ORDER BY round_number;", r => JsonSerializer.Deserialize<RoundRecordData>(r.GetString(0), Json)!, ("$id", sessionId));
    }

    public IReadOnlyList<LedgerEntryData> ListLedger(string sessionId)
    {
        using SqliteConnection connection = Open();
        return Query(connection, "SELECT session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms FROM privacy_ledger WHERE session_id = $id ORDER BY round_number;", r => new LedgerEntryData(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4), r.GetInt64(5)), ("$id", sessionId));
    }

    public bool TryRecordNonce(string clientId, ReadOnlySpan<byte> nonce, long expiresUnixMs)
    {
        // synchronous = NORMAL: in WAL mode the insert reaches the OS before the call is accepted, so it survives a
        // process crash or restart without an fsync per call (only a power loss can drop the last few).
        using SqliteConnection connection = Open(durable: false);
        return Execute(connection, null, "INSERT OR IGNORE INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES ($id, $n, $e);", ("$id", clientId), ("$n", nonce.ToArray()), ("$e", expiresUnixMs)) == 1;
    }

    public int PruneNonces(long nowUnixMs)
    {
        using SqliteConnection connection = Open(durable: false);
        return Execute(connection, null, "DELETE FROM call_nonces WHERE expires_unix_ms < $now;", ("$now", nowUnixMs));
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
            string suffix = ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
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

    private static void InsertModel(SqliteConnection connection, SqliteTransaction transaction, ModelVersionRecord model)
    {
        byte[] weights = MemoryMarshal.AsBytes(model.Weights.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The model store writes little-endian doubles.");
        }

        Execute(connection, transaction, "INSERT INTO model_versions (session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms) VALUES ($id, $v, $r, $w, $c, $e, $d, $p, $t);", ("$id", model.SessionId), ("$v", model.Version), ("$r", model.RoundNumber), ("$w", weights), ("$c", model.Contributors), ("$e", model.EpsilonSpent), ("$d", model.Delta), ("$p", model.PrivacyJson), ("$t", model.CreatedUnixMs));
    }

    private static EnrolledClient ReadClient(SqliteDataReader reader) =>
        new(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetInt64(2) != 0, reader.GetInt64(3));

    private static StoredSession ReadSession(SqliteDataReader reader) =>
        new(JsonSerializer.Deserialize<SessionDefinition>(reader.GetString(0), Json)!, reader.GetString(1));

    private static ModelVersionRecord ReadModel(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), MemoryMarshal.Cast<byte, double>((byte[])reader.GetValue(3)).ToArray(), (int)reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetString(7), reader.GetInt64(8));

    private SqliteConnection Open(bool durable = true)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, durable ? "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;" : "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = Command(connection, transaction, sql, []);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, null, sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var results = new List<T>();
        while (reader.Read())
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
