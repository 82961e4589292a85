namespace PrivateFl.Cluster.Rounds;

/// <summary>
/// The owner of one training session's rounds across the cluster (key: the session id): it numbers the rounds, opens one
/// at a time, refuses a round the privacy budget cannot pay for, and learns how each ended. Its state is read from the
/// store whenever a round opens, so a reactivated session grain carries on from what was committed.
/// </summary>
[Alias("privatefl.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// A front end with waiting banks asks to take part in the session's next round: it gets the round that is forming
    /// (opening one if none is), or learns that one is running or that the session takes no more rounds.
    /// </summary>
    /// <param name="frontEnd">The asking front end (its silo's address).</param>
    /// <returns>The round to form cohorts for, or why there is none.</returns>
    [Alias("Join")]
    Task<RoundSlot> JoinNextRoundAsync(string frontEnd);

    /// <summary>Told by the round's master how the round ended; the session may then open its next round.</summary>
    /// <param name="slot">The round (its number and epoch).</param>
    /// <param name="outcome">How it ended.</param>
    /// <returns>A task that completes when the session has taken it in.</returns>
    /// <remarks>
    /// Interleaves with the session's other calls: the round grain makes it from within a seal the session grain is
    /// awaiting (a round can end as formation ends), and it only closes the round in memory.
    /// </remarks>
    [Alias("Ended")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task RoundEndedAsync(RoundSlot slot, RoundEnd outcome);
}
