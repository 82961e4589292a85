using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Storage;

/// <summary>
/// A database written by the code before issue 12 (schema version 3, states and outcomes as strings) upgrades in place
/// when the new store opens it, and every session, round, model, ledger entry, client and nonce is still there.
/// </summary>
public sealed class SqliteLegacyMigrationTests : IDisposable
{
    // The schema exactly as the previous SqliteFederationStore created it (its migrations 1–3, copied verbatim).
    private static readonly string[] LegacyMigrations =
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
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"privatefl-legacy-{Guid.NewGuid():n}.db");

    [Fact]
    public async Task MigrateAsync_DatabaseOfThePreviousSchema_EverythingIntactAndStatesBecomeEnums()
    {
        SessionDefinition active = Definition("active"), completed = Definition("completed"), exhausted = Definition("exhausted");
        WriteLegacyDatabase(connection =>
        {
            Exec(connection, "INSERT INTO clients (client_id, identity_public_key, revoked, enrolled_unix_ms) VALUES ('bank-1', $k, 0, 11), ('bank-2', $k2, 1, 12);", ("$k", Key(1)), ("$k2", Key(2)));
            Exec(connection, "UPDATE clients SET suspended = 1, misbehaviour_count = 2 WHERE client_id = 'bank-1';");
            foreach ((SessionDefinition d, string state) in new[] { (active, "ACTIVE"), (completed, "COMPLETED"), (exhausted, "BUDGET_EXHAUSTED") })
            {
                Exec(connection, "INSERT INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES ($id, $json, $state, $t);", ("$id", d.SessionId), ("$json", JsonSerializer.Serialize(d, Json)), ("$state", state), ("$t", d.CreatedUnixMs));
                Exec(connection, "INSERT INTO model_versions (session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms) VALUES ($id, 0, 0, $w, 0, 0, 1e-5, '{}', 1);", ("$id", d.SessionId), ("$w", Weights(0.0, 0.0)));
            }

            // completed: round 1 released version 1, round 2 aborted; exhausted: round 1 released version 1.
            foreach (string id in new[] { completed.SessionId, exhausted.SessionId })
            {
                Exec(connection, "INSERT INTO model_versions (session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms) VALUES ($id, 1, 1, $w, 3, 0.5, 1e-5, '{\"epsilon\":0.5}', 2);", ("$id", id), ("$w", Weights(0.25, -1.5)));
                Exec(connection, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES ($id, 1, 'COMPLETED', $json, 1, 5);", ("$id", id), ("$json", LegacyRoundJson(id, 1, "COMPLETED", null, 1)));
                Exec(connection, "INSERT INTO privacy_ledger (session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms) VALUES ($id, 1, 0.5, 1e-5, '{\"mechanism\":\"ddg\"}', 5);", ("$id", id));
            }

            Exec(connection, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES ($id, 2, 'ABORTED', $json, NULL, 9);", ("$id", completed.SessionId), ("$json", LegacyRoundJson(completed.SessionId, 2, "ABORTED", "too few survivors", null)));
            Exec(connection, "INSERT INTO call_nonces (client_id, nonce, expires_unix_ms) VALUES ('bank-1', $n, $e);", ("$n", new byte[] { 7, 7, 7 }), ("$e", long.MaxValue));
        });
        SqliteFederationStore store = Store();

        await store.MigrateAsync(CancellationToken.None);

        Assert.Equal(SqliteFederationStore.SchemaVersion, Scalar("SELECT MAX(version) FROM schema_migrations;"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM sessions WHERE typeof(state) <> 'integer';") + Scalar("SELECT COUNT(*) FROM rounds WHERE typeof(outcome) <> 'integer';"));
        IReadOnlyList<StoredSession> sessions = await store.ListSessionsAsync(CancellationToken.None);
        Assert.Equal([(active.SessionId, SessionState.Active), (completed.SessionId, SessionState.Completed), (exhausted.SessionId, SessionState.BudgetExhausted)], sessions.Select(s => (s.SessionId, s.State)));
        Assert.All(sessions, s => Assert.Equal(JsonSerializer.Serialize(Definition(s.SessionId), Json), JsonSerializer.Serialize(s.Definition, Json)));

        IReadOnlyList<RoundRecordData> rounds = await store.ListRoundsAsync(completed.SessionId, CancellationToken.None);
        Assert.Equal([(1L, RoundOutcomeKind.Completed, (long?)1, (string?)null), (2L, RoundOutcomeKind.Aborted, null, "too few survivors")], rounds.Select(r => (r.RoundNumber, r.Outcome, r.ModelVersion, r.AbortReason)));
        RoundRecordData first = rounds[0];
        Assert.Equal(["bank-1", "bank-2", "bank-3"], first.Participants);
        Assert.Equal(["bank-1", "bank-2"], first.Included);
        Assert.Equal(["bank-3"], first.Dropped);
        Assert.Equal([new StageTimingData("AdvertiseKeys", 12.5, 3)], first.Stages);
        Assert.Equal([new RoundCulpritData("bank-3", Misbehaviour.InconsistentSharing)], first.Culprits);
        Assert.Equal((100L, 200L, 2, 2), (first.StartedUnixMs, first.EndedUnixMs, first.Threshold, first.Degree));
        Assert.Equal(RoundOutcomeKind.Completed, Assert.Single(await store.ListRoundsAsync(exhausted.SessionId, CancellationToken.None)).Outcome);
        Assert.Empty(await store.ListRoundsAsync(active.SessionId, CancellationToken.None));

        // Issue 13: each released round was charged once; an aborted round of the old schema had reserved nothing.
        Assert.Equal([new BudgetReservation(completed.SessionId, 1, 1, 5)], await store.ListBudgetReservationsAsync(completed.SessionId, CancellationToken.None));
        Assert.Empty(await store.ListBudgetReservationsAsync(active.SessionId, CancellationToken.None));

        ModelVersionRecord latest = (await store.FindLatestModelAsync(completed.SessionId, CancellationToken.None))!;
        Assert.Equal((1L, 1L, 3, 0.5, "{\"epsilon\":0.5}"), (latest.Version, latest.RoundNumber, latest.Contributors, latest.EpsilonSpent, latest.PrivacyJson));
        Assert.Equal([0.25, -1.5], latest.Weights.ToArray());
        Assert.Equal(0, (await store.FindLatestModelAsync(active.SessionId, CancellationToken.None))!.Version);
        Assert.Equal(new[] { 0.0, 0.0 }, (await store.FindModelAsync(completed.SessionId, 0, CancellationToken.None))!.Weights.ToArray());
        Assert.Equal(new LedgerEntryData(exhausted.SessionId, 1, 0.5, 1e-5, "{\"mechanism\":\"ddg\"}", 5), Assert.Single(await store.ListLedgerAsync(exhausted.SessionId, CancellationToken.None)));

        IReadOnlyList<EnrolledClient> clients = await store.ListClientsAsync(CancellationToken.None);
        Assert.Equal([("bank-1", false, true, 2, 11L), ("bank-2", true, false, 0, 12L)], clients.Select(c => (c.ClientId, c.Revoked, c.Suspended, c.MisbehaviourCount, c.EnrolledUnixMs)));
        Assert.Equal(Key(1), clients[0].IdentityPublicKey.ToArray());
        Assert.False(await store.TryRecordNonceAsync("bank-1", new byte[] { 7, 7, 7 }, long.MaxValue, CancellationToken.None));

        // The upgraded database goes on working: the active session commits a round.
        await store.CommitRoundAsync(new RoundRecordData(active.SessionId, 1, RoundOutcomeKind.Aborted, "test", ["bank-1"], [], ["bank-1"], [], null, 1, 2, 1, 1), null, null, SessionState.Completed, CancellationToken.None);
        Assert.Equal(SessionState.Completed, (await store.FindSessionAsync(active.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task MigrateAsync_LegacyStateItDoesNotKnow_RefusedAndTheDatabaseStaysAtItsVersion()
    {
        WriteLegacyDatabase(connection =>
            Exec(connection, "INSERT INTO sessions (session_id, definition_json, state, created_unix_ms) VALUES ('s', '{}', 'PAUSED', 1);"));

        Exception? failure = await Record.ExceptionAsync(() => Store().MigrateAsync(CancellationToken.None));

        Assert.IsType<SqliteException>(failure);
        Assert.Equal(LegacyMigrations.Length, Scalar("SELECT MAX(version) FROM schema_migrations;"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM sessions WHERE state = 'PAUSED';"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private SqliteFederationStore Store() =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DatabasePath = _databasePath }));

    /// <summary>Creates the database as the previous code did (WAL, migrations 1–3 recorded), then fills it.</summary>
    private void WriteLegacyDatabase(Action<SqliteConnection> fill)
    {
        using var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False;Foreign Keys=True");
        connection.Open();
        Exec(connection, "PRAGMA journal_mode = WAL;");
        Exec(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_unix_ms INTEGER NOT NULL);");
        for (int version = 1; version <= LegacyMigrations.Length; version++)
        {
            Exec(connection, LegacyMigrations[version - 1]);
            Exec(connection, "INSERT INTO schema_migrations (version, applied_unix_ms) VALUES ($v, 1);", ("$v", version));
        }

        fill(connection);
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_databasePath};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Exec(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    // The round record JSON as the previous code serialised it (web defaults, outcome as its string).
    private static string LegacyRoundJson(string sessionId, long round, string outcome, string? reason, long? version) =>
        JsonSerializer.Serialize(
            new
            {
                sessionId,
                roundNumber = round,
                outcome,
                abortReason = reason,
                participants = new[] { "bank-1", "bank-2", "bank-3" },
                included = outcome == "COMPLETED" ? new[] { "bank-1", "bank-2" } : [],
                dropped = outcome == "COMPLETED" ? new[] { "bank-3" } : new[] { "bank-1", "bank-2", "bank-3" },
                stages = new[] { new { stage = "AdvertiseKeys", milliseconds = 12.5, aliveAfter = 3 } },
                modelVersion = version,
                startedUnixMs = 100L,
                endedUnixMs = 200L,
                threshold = 2,
                degree = 2,
                culprits = new[] { new { clientId = "bank-3", misbehaviour = (int)Misbehaviour.InconsistentSharing } },
            },
            Json);

    private static byte[] Key(int seed) => [.. Enumerable.Range(0, 32).Select(i => (byte)(i + seed))];

    private static byte[] Weights(params double[] weights) => [.. weights.SelectMany(BitConverter.GetBytes)];

    private static SessionDefinition Definition(string id) => new(
        id,
        "test-schema",
        new string('a', 64),
        "logistic-regression",
        2,
        5,
        3,
        10,
        new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Complete, 0.3, 0, 40, 20),
        new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, 1.0),
        new PrivacySettingsData(DpModeKind.RecordLevel, 1, 1e-5, 1.1),
        id.Length,
        ModelSpecData.LogisticRegression);
}
