using PrivateFl.Cluster.Rounds;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// What a front end (the <see cref="TrainingCoordinator"/> of one process) asks of whoever owns a session's rounds:
/// which round its waiting banks may form cohorts for, the round's one budget reservation, and the round's end once its
/// own cohorts are done. In a server this is the session and round grains (<c>GrainRoundCoordination</c>), whether the
/// cluster has one silo or many; <see cref="LocalRoundCoordination"/> does the same in process, for a host without a silo.
/// </summary>
internal interface IRoundCoordination
{
    /// <summary>Gets this front end's name in round reports (its silo's address on a cluster).</summary>
    string FrontEnd { get; }

    /// <summary>
    /// Gets the fewest cohorts this front end's part of a session's round must have: the session's minimum when this
    /// front end is the round's only one, else one, since the round's owner counts the cohorts of every front end.
    /// </summary>
    int CohortsToForm(SessionDefinition definition);

    /// <summary>Opens or joins the session's next round; or says why there is none. Call off the session's gate.</summary>
    Task<RoundSlot> JoinAsync(SessionRuntime session);

    /// <summary>Gives up a joined round this front end forms no cohort for after all (its chosen banks left). Call off the gate.</summary>
    Task AbandonAsync(SessionRuntime session, RoundSlot slot);

    /// <summary>Reserves the round's charge against the budget, once per round; call before any cohort unmasks, off the gate.</summary>
    /// <param name="session">The session.</param>
    /// <param name="slot">The round.</param>
    /// <param name="cohorts">How many cohorts this front end formed for the round.</param>
    /// <exception cref="Crypto.SecAgg.RoundAbortedException">The budget pays for no further round, or the round cannot release.</exception>
    Task<int> ReserveBudgetAsync(SessionRuntime session, RoundSlot slot, int cohorts);

    /// <summary>
    /// Reports this front end's cohorts (their sums and record parts) and waits for the round's end; the session's
    /// in-memory state follows a release. Call off the gate.
    /// </summary>
    /// <returns>The released model version and ε.</returns>
    /// <exception cref="CoordinatorException">The round aborted (<see cref="CoordinatorErrorKind.Aborted"/>); its record is written.</exception>
    Task<RoundRelease> EndAsync(SessionRuntime session, RoundSlot slot, FrontEndReport report);
}
