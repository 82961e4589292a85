namespace PrivateFl.Cluster.Rounds;

/// <summary>
/// The master of one round (key: <c>session/round/epoch</c>, <see cref="RoundSlot.RoundKey"/>): it learns which front ends
/// form the round, reserves the round's privacy budget once before any cohort unmasks, and adds the cohort sums every
/// front end reports. The round ends when every front end has reported or is known dead: it is committed if enough
/// cohorts released, else aborted. Memory only: a reactivated round grain knows no front end and refuses the old round.
/// </summary>
[Alias("privatefl.IRoundGrain")]
public interface IRoundGrain : IGrainWithStringKey
{
    /// <summary>Tells the round which front ends joined it (called by the session grain as they join, and once more when formation ends).</summary>
    /// <param name="frontEnds">The front ends that joined so far.</param>
    /// <param name="slot">The round.</param>
    /// <param name="final">Whether formation has ended: the round then waits for exactly these front ends.</param>
    /// <returns>A task that completes when the round knows them.</returns>
    [Alias("Seal")]
    Task SealAsync(string[] frontEnds, RoundSlot slot, bool final);

    /// <summary>Whether this activation knows its round (a round grain reactivated after its silo died does not).</summary>
    /// <returns>True if the round was sealed here.</returns>
    [Alias("IsKnown")]
    Task<bool> IsKnownAsync();

    /// <summary>
    /// Reserves the round's charge against the session's budget, once however many cohorts ask; a front end asks when
    /// its first cohort is to unmask, saying how many cohorts it formed.
    /// </summary>
    /// <param name="frontEnd">The front end that asks.</param>
    /// <param name="cohorts">How many cohorts that front end formed for the round.</param>
    /// <returns>
    /// The charge (the budget's n-th round), 0 if the budget pays for no further round, -1 if the round is unknown here
    /// (its master was lost with its silo), or -2 if the round cannot release: it is sealed and all its front ends
    /// together formed fewer cohorts than the session's minimum.
    /// </returns>
    [Alias("ReserveForCohorts")]
    Task<int> ReserveBudgetAsync(string frontEnd, int cohorts);

    /// <summary>A front end's cohorts have all released or aborted: their sums and records. Completes when the round has ended.</summary>
    /// <param name="report">The front end's report.</param>
    /// <returns>How the round ended.</returns>
    [Alias("Report")]
    Task<RoundEnd> ReportAsync(FrontEndReport report);
}
