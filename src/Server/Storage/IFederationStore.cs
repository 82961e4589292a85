using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Storage;

/// <summary>
/// The server's durable state: enrolled clients, sessions, immutable model versions, round records and the
/// privacy ledger. SQLite is the embedded default; a cluster would put PostgreSQL behind the same interface.
/// </summary>
internal interface IFederationStore
{
    /// <summary>Checks the database file (refusing an empty or damaged one), then creates or upgrades the schema.</summary>
    void Migrate();

    EnrolledClient? FindClient(string clientId);

    IReadOnlyList<EnrolledClient> ListClients();

    /// <summary>Enrols a client; false if the id is taken.</summary>
    bool EnrollClient(EnrolledClient client);

    /// <summary>Revokes a client; null if unknown.</summary>
    EnrolledClient? RevokeClient(string clientId);

    /// <summary>
    /// Counts one proven misbehaviour of a client (specs/protocol.md §2.8) and suspends it when the count since its
    /// last enrolment reaches <paramref name="suspendAt"/> (0: never). Returns the new count and whether it is now suspended.
    /// </summary>
    (int Count, bool Suspended) RecordMisbehaviour(string clientId, int suspendAt);

    /// <summary>Creates a session with its initial model version 0; false if the id is taken.</summary>
    bool CreateSession(SessionDefinition definition, ModelVersionRecord initialModel);

    StoredSession? FindSession(string sessionId);

    /// <summary>Changes a session's state (for example when its privacy budget is spent).</summary>
    void SetSessionState(string sessionId, string state);

    IReadOnlyList<StoredSession> ListSessions();

    ModelVersionRecord? FindModel(string sessionId, long version);

    ModelVersionRecord LatestModel(string sessionId);

    /// <summary>
    /// Records a round. For a completed round, the new model version, the round record, the ledger entry and
    /// the session's state change are committed in one transaction: a crash leaves the old state or the new.
    /// </summary>
    void CommitRound(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, string? newSessionState);

    IReadOnlyList<RoundRecordData> ListRounds(string sessionId);

    IReadOnlyList<LedgerEntryData> ListLedger(string sessionId);

    /// <summary>Records a call nonce until <paramref name="expiresUnixMs"/>; false if this client already used it (a replay), also before a restart.</summary>
    bool TryRecordNonce(string clientId, ReadOnlySpan<byte> nonce, long expiresUnixMs);

    /// <summary>Forgets nonces whose calls' timestamps have left the clock-skew window; returns how many.</summary>
    int PruneNonces(long nowUnixMs);
}
