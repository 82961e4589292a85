namespace PrivateFl.ClientSdk;

/// <summary>Why <see cref="FederatedClient.TrainAsync"/> stopped (<see cref="TrainingReport.StopReason"/>); <see cref="TrainingReport.StopMessage"/> says it in words.</summary>
/// <remarks>The values are stable: a value is never renumbered or given another meaning, only added.</remarks>
public enum TrainingStopReason
{
    /// <summary>The session has run all its rounds (or had already ended when training started).</summary>
    SessionCompleted = 1,

    /// <summary>The server ended the session because another round would overspend the session's privacy budget.</summary>
    SessionBudgetExhausted = 2,

    /// <summary>This client took part in the number of rounds asked for (the <c>maxRounds</c> argument).</summary>
    RoundLimitReached = 3,

    /// <summary>The next round would bring this bank's own ε, by its own ledger, over <see cref="FederatedClientOptions.MaxEpsilon"/>, whatever the server's budget.</summary>
    LocalBudgetExhausted = 4,

    /// <summary>
    /// The announced round's privacy terms are not acceptable to this bank: no differential privacy although
    /// <see cref="FederatedClientOptions.RequireDifferentialPrivacy"/> is set, δ above <see cref="FederatedClientOptions.MaxDelta"/>,
    /// a noise multiplier that is not positive, or parameters this bank's accountant cannot take.
    /// </summary>
    PrivacyTermsRefused = 5,

    /// <summary>The announced round failed this bank's own checks (parameters, participants, model or noise differ from what it derives); it declined and stopped, since the session's settings will not change.</summary>
    RoundRefused = 6,
}
