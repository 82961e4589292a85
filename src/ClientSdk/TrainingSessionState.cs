namespace PrivateFl.ClientSdk;

/// <summary>Where a training session stands (<see cref="TrainingSessionInfo.State"/>); the values are the wire's <c>privatefl.v1.SessionState</c> numbers.</summary>
public enum TrainingSessionState
{
    /// <summary>The server sent no state this SDK knows (a newer server's state); treat the session as not taking training.</summary>
    Unknown = 0,

    /// <summary>The session accepts banks and runs rounds.</summary>
    Active = 1,

    /// <summary>The session has run all its rounds.</summary>
    Completed = 2,

    /// <summary>The session has spent its privacy budget; no further round runs.</summary>
    BudgetExhausted = 3,
}
