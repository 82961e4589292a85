namespace PrivateFl.Server.Coordination;

/// <summary>
/// The <c>google.rpc.ErrorInfo</c> reasons (domain <see cref="Domain"/>) the server attaches to refusals a client must
/// tell apart by type, not by message text (specs/api.md, "Statuses"). The refusals of call authentication and limits
/// are in <c>Security.CallRefusals</c>.
/// </summary>
/// <remarks>
/// A reason is part of the contract: it is never renamed or given another meaning, only added. Whether a caller is
/// enrolled is deliberately no reason of its own: unknown, revoked and badly signed callers all get
/// <c>CALL_NOT_AUTHENTICATED</c>, so that the answer does not enumerate enrolled ids.
/// </remarks>
internal static class ErrorReasons
{
    public const string Domain = "privatefl.v1";

    /// <summary>The session has run all its rounds (FAILED_PRECONDITION).</summary>
    public const string SessionCompleted = "SESSION_COMPLETED";

    /// <summary>The session has spent its privacy budget (FAILED_PRECONDITION).</summary>
    public const string BudgetExhausted = "BUDGET_EXHAUSTED";

    /// <summary>The caller's schema hash differs from the session's (FAILED_PRECONDITION).</summary>
    public const string SchemaMismatch = "SCHEMA_MISMATCH";

    /// <summary>The same client already has a WaitForRound call waiting in the session; the newer call is refused (ALREADY_EXISTS).</summary>
    public const string WaitAlreadyPending = "WAIT_ALREADY_PENDING";

    /// <summary>No session has the id (NOT_FOUND).</summary>
    public const string SessionNotFound = "SESSION_NOT_FOUND";

    /// <summary>The session has no model of the version asked for (NOT_FOUND).</summary>
    public const string ModelVersionNotFound = "MODEL_VERSION_NOT_FOUND";

    /// <summary>An operator named a client that is not enrolled (NOT_FOUND; admin service only, behind the admin key).</summary>
    public const string ClientNotFound = "CLIENT_NOT_FOUND";

    /// <summary>An operator created a session whose id is taken (ALREADY_EXISTS).</summary>
    public const string SessionAlreadyExists = "SESSION_ALREADY_EXISTS";

    /// <summary>An operator enrolled a client id that is taken (ALREADY_EXISTS).</summary>
    public const string ClientAlreadyEnrolled = "CLIENT_ALREADY_ENROLLED";

    /// <summary>The round a stage call names is not the session's round in progress (FAILED_PRECONDITION).</summary>
    public const string RoundNotInProgress = "ROUND_NOT_IN_PROGRESS";

    /// <summary>The caller is not a participant of the round it addresses (PERMISSION_DENIED).</summary>
    public const string NotRoundParticipant = "NOT_ROUND_PARTICIPANT";

    /// <summary>The caller was dropped from the round at a stage; the round may still complete without it (FAILED_PRECONDITION).</summary>
    public const string DroppedFromRound = "DROPPED_FROM_ROUND";

    /// <summary>The waiting banks could not be formed into a round (a participant left, or the settings give no valid round for them) (FAILED_PRECONDITION).</summary>
    public const string RoundNotFormed = "ROUND_NOT_FORMED";

    /// <summary>The round was aborted; the model stays at its version (ABORTED).</summary>
    public const string RoundAborted = "ROUND_ABORTED";

    /// <summary>
    /// A stage message breaks the secure-aggregation protocol; <see cref="ViolationKey"/> names the <c>SecAggViolation</c>
    /// (INVALID_ARGUMENT, FAILED_PRECONDITION or PERMISSION_DENIED by the violation).
    /// </summary>
    public const string ProtocolViolation = "PROTOCOL_VIOLATION";

    /// <summary>The <c>ErrorInfo.metadata</c> key of a <see cref="ProtocolViolation"/>'s <c>SecAggViolation</c> name.</summary>
    public const string ViolationKey = "violation";

    /// <summary>A field of the request is missing or invalid; a <c>google.rpc.BadRequest</c> names each (INVALID_ARGUMENT).</summary>
    public const string InvalidRequest = "INVALID_REQUEST";

    /// <summary>The request's protocol version is not one this server speaks (INVALID_ARGUMENT, with a BadRequest naming the field).</summary>
    public const string ProtocolVersionUnsupported = "PROTOCOL_VERSION_UNSUPPORTED";

    /// <summary>The server's database failed during the call (INTERNAL).</summary>
    public const string StorageFailed = "STORAGE_FAILED";
}
