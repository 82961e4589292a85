namespace PrivateFl.Server.Storage;

/// <summary>An enrolled client: its id and Ed25519 identity public key.</summary>
internal sealed record EnrolledClient(string ClientId, byte[] IdentityPublicKey, bool Revoked, long EnrolledUnixMs, bool Suspended = false, int MisbehaviourCount = 0);

/// <summary>A bank the round proved to have broken the protocol (specs/protocol.md §2.8), by client id.</summary>
internal sealed record RoundCulpritData(string ClientId, PrivateFl.Crypto.SecAgg.Messages.Misbehaviour Misbehaviour);

/// <summary>An immutable model version.</summary>
internal sealed record ModelVersionRecord(
    string SessionId,
    long Version,
    long RoundNumber,
    double[] Weights,
    int Contributors,
    double EpsilonSpent,
    double Delta,
    string PrivacyJson,
    long CreatedUnixMs);

/// <summary>How one stage of a round went.</summary>
internal sealed record StageTimingData(string Stage, double Milliseconds, int AliveAfter);

/// <summary>The record of one round, completed or aborted. Client ids only: never inputs, keys or shares.</summary>
internal sealed record RoundRecordData(
    string SessionId,
    long RoundNumber,
    string Outcome,
    string? AbortReason,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> Included,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<StageTimingData> Stages,
    long? ModelVersion,
    long StartedUnixMs,
    long EndedUnixMs,
    int Threshold,
    int Degree,
    IReadOnlyList<RoundCulpritData>? Culprits = null)
{
    public const string Completed = "COMPLETED";
    public const string Aborted = "ABORTED";
}

/// <summary>One line of the privacy ledger: the session's total ε after a round.</summary>
internal sealed record LedgerEntryData(string SessionId, long RoundNumber, double EpsilonSpentTotal, double Delta, string MechanismJson, long RecordedUnixMs);

/// <summary>A session as stored: its definition and state.</summary>
internal sealed record StoredSession(Coordination.SessionDefinition Definition, string State)
{
    public const string Active = "ACTIVE";
    public const string Completed = "COMPLETED";
    public const string BudgetExhausted = "BUDGET_EXHAUSTED";
}
