namespace PrivateFl.Cluster.Rounds;

/// <summary>A round a front end may form cohorts for, as its session grain opened it.</summary>
/// <param name="Status">Whether the round is open to this front end (else why not).</param>
/// <param name="SessionId">The session.</param>
/// <param name="RoundNumber">The round's number.</param>
/// <param name="Epoch">A random id of this opening: a round number reused after a session grain was lost names another round grain.</param>
/// <param name="ModelVersion">The model version the round trains from.</param>
/// <param name="ChargedRounds">The rounds the budget paid for before this one (the announced ε is that after one more).</param>
/// <param name="CompletedRounds">The rounds released before this one.</param>
/// <param name="Message">Why the round is not open, for the banks; empty when open.</param>
[GenerateSerializer]
[Alias("privatefl.RoundSlot")]
[Immutable]
public sealed record RoundSlot(
    [property: Id(0)] RoundSlotStatus Status,
    [property: Id(1)] string SessionId,
    [property: Id(2)] long RoundNumber,
    [property: Id(3)] string Epoch,
    [property: Id(4)] long ModelVersion,
    [property: Id(5)] int ChargedRounds,
    [property: Id(6)] int CompletedRounds,
    [property: Id(7)] string Message)
{
    /// <summary>The key of the round's <see cref="IRoundGrain"/>.</summary>
    public string RoundKey => $"{SessionId}/{RoundNumber}/{Epoch}";
}
