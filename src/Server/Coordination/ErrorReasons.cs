namespace PrivateFl.Server.Coordination;

/// <summary>
/// The <c>google.rpc.ErrorInfo</c> reasons (domain <see cref="Domain"/>) the server attaches to refusals a client must
/// tell apart by type, not by message text (specs/api.md, "Statuses").
/// </summary>
internal static class ErrorReasons
{
    public const string Domain = "privatefl.v1";

    /// <summary>The session has run all its rounds.</summary>
    public const string SessionCompleted = "SESSION_COMPLETED";

    /// <summary>The session has spent its privacy budget.</summary>
    public const string BudgetExhausted = "BUDGET_EXHAUSTED";

    /// <summary>The caller's schema hash differs from the session's.</summary>
    public const string SchemaMismatch = "SCHEMA_MISMATCH";

    /// <summary>The same client already has a WaitForRound call waiting in the session; the newer call is refused (ALREADY_EXISTS).</summary>
    public const string WaitAlreadyPending = "WAIT_ALREADY_PENDING";
}
