using Orleans.Concurrency;
using Orleans.Placement;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Grains;

/// <summary>
/// The master of one round on the cluster (<see cref="IRoundGrain"/>): reserves the round's charge once, collects each
/// front end's report and, when every sealed front end has reported or its silo is dead, commits the sum of the released
/// cohort sums (if enough cohorts released) or records the abort, and tells the session grain.
/// </summary>
/// <remarks>
/// Memory only and reentrant: reports wait for the round's end while others arrive. An activation that was never
/// sealed (a reactivation after its silo died) refuses every report and reservation: the old round is fenced off.
/// </remarks>
[Reentrant]
[PreferLocalPlacement]
internal sealed partial class RoundGrain(IFederationStore store, RoundReleaser releaser, IClusterMembershipService membership, TimeProvider time, ILogger<RoundGrain> logger) : Grain, IRoundGrain
{
    private readonly Dictionary<string, FrontEndReport?> _frontEnds = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<RoundEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sealedFinal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, int> _formed = new(StringComparer.Ordinal);
    private RoundSlot? _slot;
    private SessionDefinition? _definition;
    private bool _final;
    private bool _ending;
    private Task<int>? _reservation;
    private IGrainTimer? _watch;

    public async Task SealAsync(string[] frontEnds, RoundSlot slot, bool final)
    {
        ArgumentNullException.ThrowIfNull(frontEnds);
        _slot ??= slot;
        _definition ??= (await store.FindSessionAsync(slot.SessionId, CancellationToken.None).ConfigureAwait(true))?.Definition
            ?? throw new InvalidOperationException($"Session '{slot.SessionId}' does not exist.");
        foreach (string frontEnd in frontEnds)
        {
            _frontEnds.TryAdd(frontEnd, null);
        }

        _final |= final;
        if (_final)
        {
            _sealedFinal.TrySetResult();
        }

        _watch ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true });
        await TryEndAsync().ConfigureAwait(true);
    }

    public Task<bool> IsKnownAsync() => Task.FromResult(_slot is not null);

    public async Task<int> ReserveBudgetAsync(string frontEnd, int cohorts)
    {
        ArgumentNullException.ThrowIfNull(frontEnd);
        if (_slot is not { } slot || _definition is not { } definition)
        {
            // A reactivation: the round it fenced off must not reserve (nor unmask) under a charge it cannot report.
            return -1;
        }

        if (_frontEnds.ContainsKey(frontEnd))
        {
            _formed[frontEnd] = cohorts;
        }

        if (_reservation is null)
        {
            // Which front ends take part is known once the round is sealed (the formation window, a second or so); a
            // round whose front ends together formed fewer cohorts than the minimum cannot release, so it must not
            // spend the budget: a front end of a cluster that formed one cohort alone would otherwise pay a charge per
            // round for nothing.
            try
            {
                await _sealedFinal.Task.WaitAsync(SealWait, time).ConfigureAwait(true);
            }
            catch (TimeoutException)
            {
                // Not sealed (its session grain is gone): the round is judged by what it knows.
            }

            if (_reservation is null && FormedTooFewCohorts(definition))
            {
                return -2;
            }
        }

        return await (_reservation ??= ReserveOnceAsync(slot, definition)).ConfigureAwait(true);
    }

    private static TimeSpan SealWait => TimeSpan.FromSeconds(10);

    // True only when it is certain: the round is sealed and every front end of it has said how many cohorts it formed
    // (by reserving) or has reported without reserving (none of its cohorts reached the unmasking).
    private bool FormedTooFewCohorts(SessionDefinition definition)
    {
        if (!_final)
        {
            return false;
        }

        int cohorts = 0;
        foreach ((string frontEnd, FrontEndReport? report) in _frontEnds)
        {
            if (_formed.TryGetValue(frontEnd, out int formed))
            {
                cohorts += formed;
            }
            else if (report is null)
            {
                return false;
            }
        }

        return cohorts < definition.MinimumCohorts;
    }

    public async Task<RoundEnd> ReportAsync(FrontEndReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_slot is null || !_frontEnds.ContainsKey(report.FrontEnd))
        {
            // A reactivated round grain, or a front end the round never sealed: the round is not known here.
            return new RoundEnd(false, 0, 0, 0, false, "the round's master was lost with its silo, or never admitted this front end.");
        }

        _frontEnds[report.FrontEnd] ??= report;
        await TryEndAsync().ConfigureAwait(true);
        return await _end.Task.ConfigureAwait(true);
    }

    private async Task<int> ReserveOnceAsync(RoundSlot slot, SessionDefinition definition)
    {
        BudgetReservation? reservation = await store.ReserveBudgetAsync(slot.SessionId, slot.RoundNumber, PrivacyPlan.MaximumCharges(definition), time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(true);
        return reservation?.Charge ?? 0;
    }

    // Every second: a sealed front end whose silo is dead will never report; its cohorts count as dropped.
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        foreach (string frontEnd in _frontEnds.Where(f => f.Value is null).Select(f => f.Key).ToList())
        {
            if (IsDead(frontEnd))
            {
                LogFrontEndLost(logger, _slot!.SessionId, _slot.RoundNumber, frontEnd);
                _frontEnds[frontEnd] = new FrontEndReport(frontEnd, [], [], [$"its front end {frontEnd} died."], [], [], 0, 0, 0);
            }
        }

        await TryEndAsync().ConfigureAwait(true);
    }

    private bool IsDead(string frontEnd)
    {
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(frontEnd);
        }
        catch (FormatException)
        {
            return false;
        }

        return membership.CurrentSnapshot.GetSiloStatus(silo) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;
    }

    private async Task TryEndAsync()
    {
        if (!_final || _ending || _frontEnds.Values.Any(r => r is null))
        {
            return;
        }

        _ending = true;
        _watch?.Dispose();
        RoundSlot slot = _slot!;
        SessionDefinition definition = _definition!;
        FrontEndReport[] reports = [.. _frontEnds.Values.OfType<FrontEndReport>()];
        FrontEndReport[] ran = [.. reports.Where(r => r.Participants.Length > 0)];
        var merged = new FrontEndReport(
            "round",
            [.. ran.SelectMany(r => r.Participants)],
            [.. ran.SelectMany(r => r.Released)],
            [.. reports.SelectMany(r => r.AbortReasons)],
            [.. ran.SelectMany(r => ran.Length == 1 ? r.Stages : r.Stages.Select(s => s with { Stage = $"{r.FrontEnd}/{s.Stage}" }))],
            [.. ran.SelectMany(r => r.Culprits)],
            ran.FirstOrDefault()?.Threshold ?? 0,
            ran.FirstOrDefault()?.Degree ?? 0,
            ran.Length == 0 ? time.GetUtcNow().ToUnixTimeMilliseconds() : ran.Min(r => r.StartedUnixMs));
        int charge = _reservation is { IsCompletedSuccessfully: true } ? await _reservation.ConfigureAwait(true) : 0;
        RoundEnd end;
        string? reason = RoundAbortReason.For(merged.Released.Length, merged.Released.Length + merged.AbortReasons.Length, definition.MinimumCohorts, merged.AbortReasons);
        if (reason is null && charge > 0)
        {
            try
            {
                ModelVersionRecord baseModel = await store.FindModelAsync(slot.SessionId, slot.ModelVersion, CancellationToken.None).ConfigureAwait(true)
                    ?? throw new InvalidOperationException($"Session '{slot.SessionId}' has no model version {slot.ModelVersion}.");
                (ModelVersionRecord model, bool last) = await releaser.ReleaseAsync(definition, baseModel, slot.CompletedRounds, charge, slot.RoundNumber, merged).ConfigureAwait(true);
                end = new RoundEnd(true, model.Version, model.EpsilonSpent, charge, last, string.Empty);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCommitFailed(logger, slot.SessionId, slot.RoundNumber, ex);
                end = await AbortAsync(slot, definition, merged, charge, $"its release could not be committed ({ex.GetType().Name}).").ConfigureAwait(true);
            }
        }
        else
        {
            end = await AbortAsync(slot, definition, merged, charge, reason ?? "no budget reservation was made.").ConfigureAwait(true);
        }

        // The session may open its next round once this one is in the record; the front ends learn the end after it.
        await GrainFactory.GetGrain<ISessionGrain>(slot.SessionId).RoundEndedAsync(slot, end).ConfigureAwait(true);
        _end.TrySetResult(end);
    }

    private async Task<RoundEnd> AbortAsync(RoundSlot slot, SessionDefinition definition, FrontEndReport merged, int charge, string reason)
    {
        if (merged.Participants.Length > 0)
        {
            await releaser.RecordAbortedAsync(slot.SessionId, slot.RoundNumber, merged, reason).ConfigureAwait(true);
        }

        int charged = charge > 0 ? charge : slot.ChargedRounds;
        return new RoundEnd(false, slot.ModelVersion, PrivacyPlan.EpsilonAfter(definition, charged), charged, false, reason);
    }

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, EventName = "ClusterFrontEndLost", Message = "Session {SessionId} round {RoundNumber}: front end {FrontEnd} died; its cohorts count as dropped.")]
    private static partial void LogFrontEndLost(ILogger logger, string sessionId, long roundNumber, string frontEnd);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, EventName = "ClusterRoundCommitFailed", Message = "Session {SessionId} round {RoundNumber}: the release could not be committed; the round is aborted.")]
    private static partial void LogCommitFailed(ILogger logger, string sessionId, long roundNumber, Exception exception);
}
