using System.Data.Common;
using System.Text.Json;

namespace PrivateFl.Server.Storage;

/// <summary>
/// The operations that the SQLite and PostgreSQL stores run with the same SQL over ADO.NET. A provider supplies its
/// dialect (parameter marker and binding, how a connection opens, column types, the few statements whose syntax
/// differs) and keeps its migrations, start-up checks and the operations it does its own way.
/// </summary>
internal abstract class AdoFederationStore : IFederationStore
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected const string ClientColumns = "client_id, identity_public_key, revoked, enrolled_unix_ms, suspended, misbehaviour_count";
    protected const string ModelColumns = "session_id, version, round_number, weights, contributors, epsilon_spent, delta, privacy_json, created_unix_ms";
    protected const string SessionColumns = "session_id, definition_json, state, created_unix_ms";

    protected AdoFederationStore(TimeProvider? time) => Time = time ?? TimeProvider.System;

    /// <summary>The clock for migration timestamps and the names of set-aside files.</summary>
    protected TimeProvider Time { get; }

    /// <summary>Appended to <c>ORDER BY</c> on a text key so both providers list in ordinal order.</summary>
    protected abstract string OrdinalCollation { get; }

    /// <summary>Inserts a new client with the parameters <c>id</c>, <c>key</c>, <c>t</c>, or nothing if its id exists.</summary>
    protected abstract string InsertClientIfNewSql { get; }

    /// <summary>Clears the suspension of client <c>id</c> if it is suspended, not revoked and has key <c>key</c>.</summary>
    protected abstract string ReinstateClientSql { get; }

    /// <summary>Inserts a session (<c>id</c>, <c>json</c>, <c>state</c>, <c>t</c>), or nothing if its id exists.</summary>
    protected abstract string InsertSessionIfNewSql { get; }

    /// <summary>Reads session <c>id</c> inside a transaction so that no other transaction can reserve its budget until this one ends.</summary>
    protected abstract string LockSessionSql { get; }

    /// <summary>Inserts a call nonce (<c>id</c>, <c>n</c>, <c>e</c>), or nothing if it is already recorded.</summary>
    protected abstract string InsertNonceIfNewSql { get; }

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken);

    public abstract Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken);

    public async Task<EnrolledClient?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindClientAsync(connection, null, clientId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EnrolledClient>> ListClientsAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {ClientColumns} FROM clients ORDER BY client_id{OrdinalCollation};", ReadClient, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> EnrollClientAsync(EnrolledClient client, CancellationToken cancellationToken)
    {
        StoreArguments.Client(client);
        byte[] key = client.IdentityPublicKey.ToArray();
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync(connection, null, InsertClientIfNewSql, cancellationToken, ("id", client.ClientId), ("key", key), ("t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1)
        {
            return true;
        }

        // Re-enrolling a suspended bank with its own key is how an operator reinstates it (specs/api.md).
        return await ExecuteAsync(connection, null, ReinstateClientSql, cancellationToken, ("id", client.ClientId), ("key", key), ("t", client.EnrolledUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<bool> CreateSessionAsync(StoredSession session, ModelVersionRecord initialModel, CancellationToken cancellationToken)
    {
        StoreArguments.NewSession(session, initialModel);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int inserted = await ExecuteAsync(connection, transaction, InsertSessionIfNewSql, cancellationToken, ("id", session.SessionId), ("json", session.DefinitionJson), ("state", Code((int)session.State)), ("t", session.CreatedUnixMs)).ConfigureAwait(false);
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
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions WHERE session_id = @id;", ReadSession, cancellationToken, ("id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> SetSessionStateAsync(string sessionId, SessionState state, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        StoreArguments.State(state, nameof(state));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "UPDATE sessions SET state = @s WHERE session_id = @id;", cancellationToken, ("s", Code((int)state)), ("id", sessionId)).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, $"SELECT {SessionColumns} FROM sessions ORDER BY created_unix_ms, session_id{OrdinalCollation};", ReadSession, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelVersionRecord?> FindModelAsync(string sessionId, long version, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = @id AND version = @v;", ReadModel, cancellationToken, ("id", sessionId), ("v", version)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<ModelVersionRecord?> FindLatestModelAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(connection, null, $"SELECT {ModelColumns} FROM model_versions WHERE session_id = @id ORDER BY version DESC LIMIT 1;", ReadModel, cancellationToken, ("id", sessionId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task CommitRoundAsync(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState, CancellationToken cancellationToken)
    {
        StoreArguments.Round(round, newModel, ledgerEntry, newSessionState);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (newModel is not null)
        {
            await InsertModelAsync(connection, transaction, newModel, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO rounds (session_id, round_number, outcome, record_json, model_version, ended_unix_ms) VALUES (@id, @r, @o, @json, @v, @t);", cancellationToken, ("id", round.SessionId), ("r", round.RoundNumber), ("o", Code((int)round.Outcome)), ("json", JsonSerializer.Serialize(round, Json)), ("v", (object?)round.ModelVersion ?? DBNull.Value), ("t", round.EndedUnixMs)).ConfigureAwait(false);
        if (ledgerEntry is not null)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO privacy_ledger (session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms) VALUES (@id, @r, @e, @d, @m, @t);", cancellationToken, ("id", ledgerEntry.SessionId), ("r", ledgerEntry.RoundNumber), ("e", ledgerEntry.EpsilonSpentTotal), ("d", ledgerEntry.Delta), ("m", ledgerEntry.MechanismJson), ("t", ledgerEntry.RecordedUnixMs)).ConfigureAwait(false);
        }

        if (newSessionState is { } state)
        {
            await ExecuteAsync(connection, transaction, "UPDATE sessions SET state = @s WHERE session_id = @id;", cancellationToken, ("s", Code((int)state)), ("id", round.SessionId)).ConfigureAwait(false);
        }

        // The last point at which cancelling leaves the old state: past it the round is committed whatever the caller does.
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RoundRecordData>> ListRoundsAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The outcome column is authoritative; in SQLite the record's own copy was rewritten with it by migration 4.
        return await QueryAsync(connection, null, "SELECT record_json, outcome FROM rounds WHERE session_id = @id ORDER BY round_number;", r => JsonSerializer.Deserialize<RoundRecordData>(r.GetString(0), Json)! with { Outcome = (RoundOutcomeKind)ReadCode(r, 1) }, cancellationToken, ("id", sessionId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LedgerEntryData>> ListLedgerAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT session_id, round_number, epsilon_spent_total, delta, mechanism_json, recorded_unix_ms FROM privacy_ledger WHERE session_id = @id ORDER BY round_number;", r => new LedgerEntryData(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4), r.GetInt64(5)), cancellationToken, ("id", sessionId)).ConfigureAwait(false);
    }

    public async Task<BudgetReservation?> ReserveBudgetAsync(string sessionId, long roundNumber, int maximumCharges, long nowUnixMs, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        ArgumentOutOfRangeException.ThrowIfNegative(roundNumber);
        ArgumentOutOfRangeException.ThrowIfNegative(maximumCharges);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if ((await QueryAsync(connection, transaction, LockSessionSql, _ => true, cancellationToken, ("id", sessionId)).ConfigureAwait(false)).Count == 0)
        {
            throw new ArgumentException($"Session '{sessionId}' does not exist.", nameof(sessionId));
        }

        // A round reserves once: asking again (a retry, another silo, a restarted grain) returns its reservation.
        BudgetReservation? held = (await QueryAsync(connection, transaction, "SELECT session_id, round_number, charge, reserved_unix_ms FROM budget_reservations WHERE session_id = @id AND round_number = @r;", ReadReservation, cancellationToken, ("id", sessionId), ("r", roundNumber)).ConfigureAwait(false)).FirstOrDefault();
        if (held is not null)
        {
            return held;
        }

        int charged = (await QueryAsync(connection, transaction, "SELECT COUNT(*) FROM budget_reservations WHERE session_id = @id;", r => (int)r.GetInt64(0), cancellationToken, ("id", sessionId)).ConfigureAwait(false))[0];
        if (charged >= maximumCharges)
        {
            return null;
        }

        var reservation = new BudgetReservation(sessionId, roundNumber, charged + 1, nowUnixMs);
        await ExecuteAsync(connection, transaction, "INSERT INTO budget_reservations (session_id, round_number, charge, reserved_unix_ms) VALUES (@id, @r, @c, @t);", cancellationToken, ("id", sessionId), ("r", roundNumber), ("c", reservation.Charge), ("t", nowUnixMs)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return reservation;
    }

    public async Task<IReadOnlyList<BudgetReservation>> ListBudgetReservationsAsync(string sessionId, CancellationToken cancellationToken)
    {
        StoreArguments.Id(sessionId, nameof(sessionId));
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, "SELECT session_id, round_number, charge, reserved_unix_ms FROM budget_reservations WHERE session_id = @id ORDER BY charge;", ReadReservation, cancellationToken, ("id", sessionId)).ConfigureAwait(false);
    }

    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        StoreArguments.Audit(entry);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "INSERT INTO audit_log (timestamp_unix_ms, actor, remote_address, method, target_id, outcome) VALUES (@t, @a, @r, @m, @g, @o);", cancellationToken, ("t", entry.TimestampUnixMs), ("a", entry.Actor), ("r", entry.RemoteAddress), ("m", entry.Method), ("g", entry.TargetId), ("o", entry.Outcome)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? sinceUnixMs, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        await using DbConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        List<AuditEntry> newestFirst = await QueryAsync(connection, null, "SELECT id, timestamp_unix_ms, actor, remote_address, method, target_id, outcome FROM audit_log WHERE timestamp_unix_ms >= @since ORDER BY id DESC LIMIT @n;", ReadAudit, cancellationToken, ("since", sinceUnixMs ?? long.MinValue), ("n", limit)).ConfigureAwait(false);
        newestFirst.Reverse();
        return newestFirst;
    }

    public async Task<bool> TryRecordNonceAsync(string clientId, ReadOnlyMemory<byte> nonce, long expiresUnixMs, CancellationToken cancellationToken)
    {
        StoreArguments.Id(clientId, nameof(clientId));
        if (nonce.IsEmpty)
        {
            throw new ArgumentException("A call nonce must not be empty.", nameof(nonce));
        }

        await using DbConnection connection = await OpenAsync(cancellationToken, durable: false).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, InsertNonceIfNewSql, cancellationToken, ("id", clientId), ("n", nonce.ToArray()), ("e", expiresUnixMs)).ConfigureAwait(false) == 1;
    }

    public async Task<int> PruneNoncesAsync(long nowUnixMs, CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken, durable: false).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "DELETE FROM call_nonces WHERE expires_unix_ms < @now;", cancellationToken, ("now", nowUnixMs)).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a connection. <paramref name="durable"/> false is for call nonces, which a provider may write without
    /// waiting for the disk (a lost nonce after a power loss only reopens a replay window that has expired anyway).
    /// </summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool durable = true);

    /// <summary>Binds one parameter, named without its marker, to a command of this provider.</summary>
    protected abstract void AddParameter(DbCommand command, string name, object value);

    /// <summary>The value to bind for an enum number (the column's integer width).</summary>
    protected abstract object Code(int value);

    /// <summary>Reads an enum number column.</summary>
    protected abstract long ReadCode(DbDataReader reader, int ordinal);

    /// <summary>Reads a yes/no column.</summary>
    protected abstract bool ReadFlag(DbDataReader reader, int ordinal);

    /// <summary>Reads a 32-bit count column.</summary>
    protected abstract int ReadInt32(DbDataReader reader, int ordinal);

    /// <summary>Reads a blob column.</summary>
    protected abstract byte[] ReadBytes(DbDataReader reader, int ordinal);

    protected async Task<EnrolledClient?> FindClientAsync(DbConnection connection, DbTransaction? transaction, string clientId, CancellationToken cancellationToken) =>
        (await QueryAsync(connection, transaction, $"SELECT {ClientColumns} FROM clients WHERE client_id = @id;", ReadClient, cancellationToken, ("id", clientId)).ConfigureAwait(false)).FirstOrDefault();

    protected EnrolledClient ReadClient(DbDataReader reader) =>
        new(reader.GetString(0), ReadBytes(reader, 1), ReadFlag(reader, 2), reader.GetInt64(3), ReadFlag(reader, 4), ReadInt32(reader, 5));

    protected async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using DbCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using DbCommand command = Command(connection, transaction, sql, []);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    protected async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using DbCommand command = Command(connection, transaction, sql, parameters);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private Task<int> InsertModelAsync(DbConnection connection, DbTransaction transaction, ModelVersionRecord model, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"INSERT INTO model_versions ({ModelColumns}) VALUES (@id, @v, @r, @w, @c, @e, @d, @p, @t);", cancellationToken, ("id", model.SessionId), ("v", model.Version), ("r", model.RoundNumber), ("w", WeightCodec.Encode(model.Weights)), ("c", model.Contributors), ("e", model.EpsilonSpent), ("d", model.Delta), ("p", model.PrivacyJson), ("t", model.CreatedUnixMs));

    private static AuditEntry ReadAudit(DbDataReader reader) =>
        new(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)) { Id = reader.GetInt64(0) };

    private BudgetReservation ReadReservation(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), ReadInt32(reader, 2), reader.GetInt64(3));

    private StoredSession ReadSession(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), (SessionState)ReadCode(reader, 2), reader.GetInt64(3));

    private ModelVersionRecord ReadModel(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), WeightCodec.Decode(ReadBytes(reader, 3)), ReadInt32(reader, 4), reader.GetDouble(5), reader.GetDouble(6), reader.GetString(7), reader.GetInt64(8));

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        // Statements name parameters @name, which both Npgsql and Microsoft.Data.Sqlite take as written.
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object value) in parameters)
        {
            AddParameter(command, name, value);
        }

        return command;
    }
}
