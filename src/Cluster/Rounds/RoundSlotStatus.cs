namespace PrivateFl.Cluster.Rounds;

/// <summary>What a session grain answered a front end that asked to join its next round.</summary>
public enum RoundSlotStatus
{
    /// <summary>Form cohorts for this round now.</summary>
    Open = 1,

    /// <summary>Another round is running and no longer takes cohorts: ask again later.</summary>
    Busy = 2,

    /// <summary>The session has run all its rounds.</summary>
    SessionCompleted = 3,

    /// <summary>The session's privacy budget pays for no further round.</summary>
    BudgetExhausted = 4,
}
