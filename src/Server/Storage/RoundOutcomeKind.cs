namespace PrivateFl.Server.Storage;

/// <summary>
/// How a round ended. Stored as its integer value and sent as <c>privatefl.v1.RoundOutcome</c> with the same numbers;
/// 0 is reserved for "unspecified" on the wire.
/// </summary>
public enum RoundOutcomeKind
{
    /// <summary>The round released a new model version.</summary>
    Completed = 1,

    /// <summary>The round ended without a sum; the session's previous model stays current.</summary>
    Aborted = 2,
}
