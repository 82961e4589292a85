namespace PrivateFl.Server.Storage;

/// <summary>
/// Where a training session stands. Stored as its integer value and sent as <c>privatefl.v1.SessionState</c> with the
/// same numbers, so a value never changes meaning; 0 is reserved for "unspecified" on the wire.
/// </summary>
public enum SessionState
{
    /// <summary>The session accepts banks and runs rounds.</summary>
    Active = 1,

    /// <summary>The session has run all its rounds.</summary>
    Completed = 2,

    /// <summary>The session has spent its privacy budget; no further round may run.</summary>
    BudgetExhausted = 3,
}
