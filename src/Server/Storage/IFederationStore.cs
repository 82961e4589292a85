namespace PrivateFl.Server.Storage;

/// <summary>
/// The server's durable state: enrolled banks, training sessions, immutable model versions, round records, the privacy
/// ledger and the call nonces that stop replays. SQLite (embedded) is the default provider; PostgreSQL serves when
/// several processes share the state. Select one with <c>AddPrivateFlServer().UseSqlite()</c> or
/// <c>.UsePostgres(connectionString)</c>.
/// </summary>
/// <remarks>
/// Every method may be called concurrently. A provider refuses bad input (an unknown session, a duplicate round, a
/// second model with the same version) with an exception and leaves its state as it was; it never stores part of a call.
/// A method observes its <see cref="CancellationToken"/> until it commits: a cancelled call throws
/// <see cref="OperationCanceledException"/> and changes nothing.
/// </remarks>
public interface IFederationStore
{
    /// <summary>Checks the database, then creates or upgrades its schema (forward-only, versioned migrations recorded in the database).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Finds an enrolled bank.</summary>
    /// <param name="clientId">The bank's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bank, or null if it was never enrolled.</returns>
    Task<EnrolledClient?> FindClientAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Lists every enrolled bank, by id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The banks, ordered by id.</returns>
    Task<IReadOnlyList<EnrolledClient>> ListClientsAsync(CancellationToken cancellationToken);

    /// <summary>Enrols a bank, or reinstates a suspended one that presents the same key.</summary>
    /// <param name="client">The bank (its revoked, suspended and count fields are ignored).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False if the id is taken (and not a suspended bank with this key).</returns>
    Task<bool> EnrollClientAsync(EnrolledClient client, CancellationToken cancellationToken);

    /// <summary>Revokes a bank for good.</summary>
    /// <param name="clientId">The bank's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revoked bank, or null if it is unknown.</returns>
    Task<EnrolledClient?> RevokeClientAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one proven misbehaviour of a bank (specs/protocol.md §2.8) and suspends it when the count since its last
    /// enrolment reaches <paramref name="suspendAt"/>.
    /// </summary>
    /// <param name="clientId">The bank's id.</param>
    /// <param name="suspendAt">The count that suspends the bank; 0 never suspends.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The bank with its new count and standing, or null if it is unknown.</returns>
    Task<EnrolledClient?> RecordMisbehaviourAsync(string clientId, int suspendAt, CancellationToken cancellationToken);

    /// <summary>Creates an active session with its initial model version 0, in one transaction.</summary>
    /// <param name="session">The session.</param>
    /// <param name="initialModel">Its model version 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False if the id is taken.</returns>
    /// <exception cref="ArgumentException">The model is not version 0 of this session.</exception>
    Task<bool> CreateSessionAsync(StoredSession session, ModelVersionRecord initialModel, CancellationToken cancellationToken);

    /// <summary>Finds a session.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session, or null if it does not exist.</returns>
    Task<StoredSession?> FindSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Lists every session, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sessions, by creation time then id.</returns>
    Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken);

    /// <summary>Changes a session's state (for example when its privacy budget is spent).</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="state">The new state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False if the session does not exist.</returns>
    Task<bool> SetSessionStateAsync(string sessionId, SessionState state, CancellationToken cancellationToken);

    /// <summary>Finds one model version of a session.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="version">The version, from 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model version, or null if there is none.</returns>
    Task<ModelVersionRecord?> FindModelAsync(string sessionId, long version, CancellationToken cancellationToken);

    /// <summary>Finds a session's newest model version.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The newest model version, or null if the session does not exist.</returns>
    Task<ModelVersionRecord?> FindLatestModelAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a round. For a completed round the new model version, the round record, the ledger entry and the
    /// session's state change are committed in one transaction: a crash or a refusal leaves the old state or the new,
    /// never a part.
    /// </summary>
    /// <param name="round">The round's record.</param>
    /// <param name="newModel">The model version a completed round released; null for an aborted round.</param>
    /// <param name="ledgerEntry">The privacy ledger's entry for a completed round; null for none.</param>
    /// <param name="newSessionState">The session's new state, or null to keep it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the round is durable.</returns>
    /// <exception cref="ArgumentException">The parts name another session or round, or a completed round comes without its model.</exception>
    Task CommitRoundAsync(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState, CancellationToken cancellationToken);

    /// <summary>Lists a session's rounds, by number.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The round records.</returns>
    Task<IReadOnlyList<RoundRecordData>> ListRoundsAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Lists a session's privacy ledger, by round.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ledger's entries.</returns>
    Task<IReadOnlyList<LedgerEntryData>> ListLedgerAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves a round's charge against its session's privacy budget, before any of its cohorts unmasks (issue 13): the
    /// round becomes the session's next charge, unless the session already holds <paramref name="maximumCharges"/>.
    /// A round reserves at most once, whoever asks and however often: a second call returns the first reservation.
    /// Concurrent calls, also from other processes sharing the database, never exceed the maximum.
    /// </summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="roundNumber">The round.</param>
    /// <param name="maximumCharges">The most rounds the session's budget pays for.</param>
    /// <param name="nowUnixMs">The current time, in Unix milliseconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The round's reservation, or null if the budget pays for no further round.</returns>
    /// <exception cref="ArgumentException">The session does not exist.</exception>
    Task<BudgetReservation?> ReserveBudgetAsync(string sessionId, long roundNumber, int maximumCharges, long nowUnixMs, CancellationToken cancellationToken);

    /// <summary>Lists a session's budget reservations, by charge.</summary>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservations.</returns>
    Task<IReadOnlyList<BudgetReservation>> ListBudgetReservationsAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Records a call nonce until it expires; refuses one this bank already used, also across restarts and processes.</summary>
    /// <param name="clientId">The calling bank.</param>
    /// <param name="nonce">The call's nonce.</param>
    /// <param name="expiresUnixMs">When the nonce may be forgotten, in Unix milliseconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False if the bank already used this nonce (a replay).</returns>
    Task<bool> TryRecordNonceAsync(string clientId, ReadOnlyMemory<byte> nonce, long expiresUnixMs, CancellationToken cancellationToken);

    /// <summary>Forgets the nonces that expired before <paramref name="nowUnixMs"/>.</summary>
    /// <param name="nowUnixMs">The current time, in Unix milliseconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were forgotten.</returns>
    Task<int> PruneNoncesAsync(long nowUnixMs, CancellationToken cancellationToken);

    /// <summary>Appends an admin action to the audit log.</summary>
    /// <param name="entry">The action (its <see cref="AuditEntry.Id"/> is ignored; the store assigns the next one).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    /// <exception cref="ArgumentException">A field is empty where it must not be, or longer than <see cref="AuditEntry.MaxFieldLength"/> (<see cref="AuditEntry.MaxOutcomeLength"/> for the outcome).</exception>
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Lists the audit log: the last <paramref name="limit"/> entries at or after <paramref name="sinceUnixMs"/>, oldest first.</summary>
    /// <param name="sinceUnixMs">The earliest time listed, in Unix milliseconds; null for the whole log.</param>
    /// <param name="limit">The most entries returned, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, in the order they were appended.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not 1 to 10,000.</exception>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? sinceUnixMs, int limit, CancellationToken cancellationToken);
}
