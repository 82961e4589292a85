namespace PrivateFl.Cluster.Rounds;

/// <summary>How a round ended.</summary>
/// <param name="Released">Whether its sum was committed as a new model version.</param>
/// <param name="ModelVersion">The session's model version after the round (unchanged if it aborted).</param>
/// <param name="EpsilonSpent">The session's ε after the round (a reserved round is charged even if it aborted).</param>
/// <param name="ChargedRounds">The rounds the budget has paid for after this one.</param>
/// <param name="CompletesSession">Whether the round was the session's last.</param>
/// <param name="AbortReason">Why it aborted; empty if released.</param>
[GenerateSerializer]
[Alias("privatefl.RoundEnd")]
[Immutable]
public sealed record RoundEnd(
    [property: Id(0)] bool Released,
    [property: Id(1)] long ModelVersion,
    [property: Id(2)] double EpsilonSpent,
    [property: Id(3)] int ChargedRounds,
    [property: Id(4)] bool CompletesSession,
    [property: Id(5)] string AbortReason);
