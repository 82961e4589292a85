using PrivateFl.Cluster.Rounds;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// This process's part of one round (Bonawitz et al., "Towards Federated Learning at Scale", SysML 2019): its cohorts,
/// each a <see cref="RoundDriver"/> over its own <see cref="AggregationRound"/> with its own banks, threshold and noise;
/// the round's one budget reservation, which every cohort awaits before it unmasks; and, once every cohort has released
/// its sum or aborted, one report of them to the round's owner, whose answer (released or aborted) the banks then learn.
/// </summary>
/// <remarks>
/// Runs under its session's gate, like its drivers; the reservation and the report run off it. The round's owner (the
/// round grain, or <see cref="LocalRoundCoordination"/>) adds the sums of every front end's cohorts and decides whether
/// enough cohorts released (DESIGN.md, "Growing past one machine").
/// </remarks>
internal sealed class RoundMaster : IDisposable
{
    private readonly Lock _gate;
    private readonly Func<RoundMaster, Task<int>> _reserve;
    private readonly Func<RoundMaster, IReadOnlyList<CohortRelease>, IReadOnlyList<string>, Task<RoundRelease>> _release;
    private readonly Action<RoundMaster, string> _aborted;
    private readonly TaskCompletionSource<RoundRelease> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, RoundDriver> _cohortOf = new(StringComparer.Ordinal);
    private readonly CohortRelease?[] _results;
    private readonly bool[] _finished;
    private readonly List<string> _abortReasons = [];
    private Task<int>? _reservation;
    private int _unfinished;

    /// <param name="setups">Each cohort's setup, in cohort order.</param>
    /// <param name="gate">The session's gate.</param>
    /// <param name="createDriver">Makes a cohort's driver from its setup and the master's three hooks (release, aborted, before unmask).</param>
    /// <param name="reserve">Reserves the round's budget (called once, off the gate) and returns the charge; faults to refuse.</param>
    /// <param name="release">Reports the released cohorts' sums and the other cohorts' abort reasons (called once, under the gate; completes off it) and returns the round's release; faults if the round aborted.</param>
    /// <param name="aborted">Told once, under the gate, that the round aborted and why.</param>
    public RoundMaster(
        IReadOnlyList<RoundSetup> setups,
        Lock gate,
        Func<RoundSetup, Func<RoundDriver, AggregationResult, Task<RoundOutcome>>, Action<RoundDriver, string>, Func<RoundDriver, Task>, RoundDriver> createDriver,
        Func<RoundMaster, Task<int>> reserve,
        Func<RoundMaster, IReadOnlyList<CohortRelease>, IReadOnlyList<string>, Task<RoundRelease>> release,
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

    /// <summary>The round's cohorts in this process, in cohort order.</summary>
    public IReadOnlyList<RoundDriver> Cohorts { get; }

    /// <summary>Every participant's id, cohort after cohort.</summary>
    public IEnumerable<string> ParticipantIds => Cohorts.SelectMany(c => c.ParticipantIds);

    /// <summary>The round's charge against the budget once reserved; 0 before.</summary>
    public int Charge { get; private set; }

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

    /// <summary>
    /// This process's cohorts as one report to the round's owner: their released sums (the only data of a cohort that
    /// leaves it) and the round record's parts. Call under the gate, once every cohort is done.
    /// </summary>
    public FrontEndReport Report(string frontEnd, IReadOnlyList<CohortRelease> released, IReadOnlyList<string> abortReasons)
    {
        ArgumentNullException.ThrowIfNull(released);
        RoundDriver first = Cohorts[0];
        return new FrontEndReport(
            frontEnd,
            [.. ParticipantIds],
            [.. released.Select(r => new CohortSum(r.Cohort.Cohort, r.Cohort.ParticipantIds.Length, r.Cohort.Round.Parameters.Threshold, r.Aggregate.Sum.ToArray(), [.. r.Aggregate.IncludedClients.Select(i => r.Cohort.ParticipantIds[i - 1])]))],
            [.. abortReasons],
            [.. Cohorts.SelectMany(c => c.Timings.Select(t => new ReportedStage(Cohorts.Count == 1 ? t.Stage : $"c{c.Cohort}/{t.Stage}", t.Milliseconds, t.AliveAfter)))],
            [.. Cohorts.SelectMany(c => c.Round.Culprits.Select(culprit => new ReportedCulprit(c.ParticipantIds[culprit.Client - 1], (int)culprit.Misbehaviour)))],
            first.Round.Parameters.Threshold,
            first.Round.Parameters.Degree,
            Cohorts.Min(c => c.StartedUnixMs));
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
    public Task<int> ReserveBudgetAsync()
    {
        lock (_gate)
        {
            return _reservation ??= ReserveOnceAsync();
        }
    }

    private async Task<int> ReserveOnceAsync()
    {
        int charge = await _reserve(this).ConfigureAwait(false);
        lock (_gate)
        {
            Charge = charge;
        }

        return charge;
    }

    // Under the gate, from a cohort's driver: its sum, whose outcome its banks learn once the whole round has ended.
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
            // Its sum was released but the round then aborted: the owner fails every cohort's remaining results.
            return;
        }

        if (Cohorts.Count > 1)
        {
            // Its banks are out of the round; the other cohorts go on.
            cohort.FailRemaining(new CoordinatorException(CoordinatorErrorKind.Aborted, $"Cohort {cohort.Cohort} of round {Number} was aborted: {reason} The round goes on with the other cohorts; this bank's update is not in it.") { Reason = ErrorReasons.RoundAborted });
        }

        _abortReasons.Add(reason);
        Finish(cohort.Cohort);
    }

    private void Finish(int cohort)
    {
        _finished[cohort] = true;
        if (--_unfinished == 0)
        {
            _ = EndAsync([.. _results.OfType<CohortRelease>()], [.. _abortReasons]);
        }
    }

    // Under the gate until its first await: the report goes to the round's owner, which answers once the round has ended.
    private async Task EndAsync(CohortRelease[] released, string[] abortReasons)
    {
        try
        {
            _released.TrySetResult(await _release(this, released, abortReasons).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string reason = ex is CoordinatorException { Kind: CoordinatorErrorKind.Aborted } aborted ? aborted.RoundReason ?? ex.Message : $"its release could not be committed ({ex.GetType().Name}).";
            lock (_gate)
            {
                // Released cohorts' pending outcomes fault; their drivers then report through CohortAborted.
                _released.TrySetException(new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {Number} was aborted: {reason}") { Reason = ErrorReasons.RoundAborted });
                _aborted(this, reason);
            }
        }
    }
}
