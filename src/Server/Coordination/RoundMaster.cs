using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// The master of one round (Bonawitz et al., "Towards Federated Learning at Scale", SysML 2019): its cohorts, each a
/// <see cref="RoundDriver"/> over its own <see cref="AggregationRound"/> with its own banks, threshold and noise; the one
/// budget reservation every cohort awaits before it unmasks; and the end of the round once every cohort has released
/// its sum or aborted: the sums are added and committed if at least <see cref="MinimumCohorts"/> released, else the
/// round aborts and the model stays.
/// </summary>
/// <remarks>
/// Runs under its session's gate, like its drivers; the reservation and the commit run off it. A round of one cohort is
/// the single round of the CCS'17 protocol. On a cluster the master is the round grain and each driver a cohort grain
/// (DESIGN.md, "Growing past one machine").
/// </remarks>
internal sealed class RoundMaster : IDisposable
{
    private readonly Lock _gate;
    private readonly Func<RoundMaster, Task<BudgetReservation>> _reserve;
    private readonly Func<RoundMaster, IReadOnlyList<CohortRelease>, Task<RoundRelease>> _release;
    private readonly Action<RoundMaster, string> _aborted;
    private readonly TaskCompletionSource<RoundRelease> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, RoundDriver> _cohortOf = new(StringComparer.Ordinal);
    private readonly CohortRelease?[] _results;
    private readonly bool[] _finished;
    private Task<BudgetReservation>? _reservation;
    private int _unfinished;
    private string? _lastCohortAbort;

    /// <param name="setups">Each cohort's setup, in cohort order.</param>
    /// <param name="minimumCohorts">The fewest cohorts whose sums the round may release.</param>
    /// <param name="gate">The session's gate.</param>
    /// <param name="createDriver">Makes a cohort's driver from its setup and the master's three hooks (release, aborted, before unmask).</param>
    /// <param name="reserve">Reserves the round's budget (called once, off the gate); faults to refuse.</param>
    /// <param name="release">Adds and commits the released cohorts' sums (called once, under the gate; completes off it).</param>
    /// <param name="aborted">Told once, under the gate, that the round aborted and why.</param>
    public RoundMaster(
        IReadOnlyList<RoundSetup> setups,
        int minimumCohorts,
        Lock gate,
        Func<RoundSetup, Func<RoundDriver, AggregationResult, Task<RoundOutcome>>, Action<RoundDriver, string>, Func<RoundDriver, Task>, RoundDriver> createDriver,
        Func<RoundMaster, Task<BudgetReservation>> reserve,
        Func<RoundMaster, IReadOnlyList<CohortRelease>, Task<RoundRelease>> release,
        Action<RoundMaster, string> aborted)
    {
        ArgumentNullException.ThrowIfNull(setups);
        ArgumentNullException.ThrowIfNull(createDriver);
        ArgumentOutOfRangeException.ThrowIfLessThan(setups.Count, 1);
        _gate = gate;
        _reserve = reserve;
        _release = release;
        _aborted = aborted;
        Number = setups[0].Number;
        MinimumCohorts = minimumCohorts;
        _results = new CohortRelease?[setups.Count];
        _finished = new bool[setups.Count];
        _unfinished = setups.Count;
        Cohorts = [.. setups.Select(setup => createDriver(setup, CohortReleased, CohortAborted, _ => ReserveBudgetAsync()))];
        foreach (RoundDriver cohort in Cohorts)
        {
            foreach (string id in cohort.ParticipantIds)
            {
                _cohortOf.Add(id, cohort);
            }
        }
    }

    public long Number { get; }

    /// <summary>The round's cohorts, in cohort order.</summary>
    public IReadOnlyList<RoundDriver> Cohorts { get; }

    public int MinimumCohorts { get; }

    /// <summary>Every participant's id, cohort after cohort.</summary>
    public IEnumerable<string> ParticipantIds => Cohorts.SelectMany(c => c.ParticipantIds);

    /// <summary>The reservation, once the budget was reserved; null before.</summary>
    public BudgetReservation? Reservation { get; private set; }

    /// <summary>Gets whether every cohort has released or aborted and the round has ended (or is being committed).</summary>
    public bool IsFinished => _unfinished == 0;

    /// <summary>The cohort a bank takes part in, or null if it is not a participant.</summary>
    public RoundDriver? CohortOf(string clientId) => _cohortOf.GetValueOrDefault(clientId);

    /// <summary>Starts every cohort's first stage deadline.</summary>
    public void Start()
    {
        foreach (RoundDriver cohort in Cohorts)
        {
            cohort.Start();
        }
    }

    /// <summary>Closes every open stage now, as the deadlines would.</summary>
    public void CloseStages()
    {
        foreach (RoundDriver cohort in Cohorts.Where(c => c.Round.Stage < RoundStage.Completed))
        {
            cohort.CloseStage();
        }
    }

    /// <summary>Fails every cohort's unpublished results (the round aborted).</summary>
    public void FailRemaining(Exception error)
    {
        foreach (RoundDriver cohort in Cohorts)
        {
            cohort.FailRemaining(error);
        }
    }

    public void Dispose()
    {
        foreach (RoundDriver cohort in Cohorts)
        {
            cohort.Dispose();
        }
    }

    /// <summary>
    /// Reserves the round's budget, once: the first cohort to close MaskedInput starts the reservation and every other
    /// awaits the same. Call off the gate.
    /// </summary>
    public Task<BudgetReservation> ReserveBudgetAsync()
    {
        lock (_gate)
        {
            return _reservation ??= ReserveOnceAsync();
        }
    }

    private async Task<BudgetReservation> ReserveOnceAsync()
    {
        BudgetReservation reservation = await _reserve(this).ConfigureAwait(false);
        lock (_gate)
        {
            Reservation = reservation;
        }

        return reservation;
    }

    // Under the gate, from a cohort's driver: its sum, whose outcome its banks learn once the whole round is committed.
    private Task<RoundOutcome> CohortReleased(RoundDriver cohort, AggregationResult result)
    {
        if (_finished[cohort.Cohort])
        {
            throw new InvalidOperationException($"Cohort {cohort.Cohort} of round {Number} released twice.");
        }

        _results[cohort.Cohort] = new CohortRelease(cohort, result);
        Finish(cohort.Cohort);
        return OutcomeAsync(result);
    }

    private async Task<RoundOutcome> OutcomeAsync(AggregationResult result)
    {
        RoundRelease release = await _released.Task.ConfigureAwait(false);
        return new RoundOutcome(Number, release.ModelVersion, result.IncludedClients, release.EpsilonSpent);
    }

    // Under the gate, from a cohort's driver: the cohort aborted (or, once the round has ended, its publication failed).
    private void CohortAborted(RoundDriver cohort, string reason)
    {
        if (_finished[cohort.Cohort])
        {
            // Its sum was released but the round then aborted (too few cohorts, or the commit failed): the owner records
            // the abort and then fails every cohort's remaining results, this one's included.
            return;
        }

        if (Cohorts.Count > 1)
        {
            // Its banks are out of the round; the other cohorts go on.
            cohort.FailRemaining(new CoordinatorException(CoordinatorErrorKind.Aborted, $"Cohort {cohort.Cohort} of round {Number} was aborted: {reason} The round goes on with the other cohorts; this bank's update is not in it.") { Reason = ErrorReasons.RoundAborted });
        }

        _lastCohortAbort = reason;
        Finish(cohort.Cohort);
    }

    private void Finish(int cohort)
    {
        _finished[cohort] = true;
        if (--_unfinished > 0)
        {
            return;
        }

        CohortRelease[] released = [.. _results.OfType<CohortRelease>()];
        if (released.Length >= MinimumCohorts)
        {
            _ = CommitAsync(released);
            return;
        }

        string reason = Cohorts.Count == 1
            ? _lastCohortAbort ?? "it has no cohort left."
            : $"{released.Length} of its {Cohorts.Count} cohorts released a sum and it needs {MinimumCohorts} (the last cohort to abort: {_lastCohortAbort})";
        ReportAbort(reason);
    }

    // Under the gate, once: released cohorts' pending outcomes fault (their drivers then report through CohortAborted).
    private void ReportAbort(string reason)
    {
        _released.TrySetException(new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {Number} was aborted: {reason}") { Reason = ErrorReasons.RoundAborted });
        _aborted(this, reason);
    }

    private async Task CommitAsync(CohortRelease[] released)
    {
        try
        {
            _released.TrySetResult(await _release(this, released).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_gate)
            {
                ReportAbort($"its release could not be committed ({ex.GetType().Name}).");
            }
        }
    }
}
