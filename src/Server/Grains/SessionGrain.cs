using Microsoft.Extensions.Options;
using Orleans.Placement;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Grains;

/// <summary>
/// Owns one session's rounds on the cluster (<see cref="ISessionGrain"/>): opens one round at a time, lets every front end
/// that asks within the formation window take part, then seals the round's front ends in its <see cref="IRoundGrain"/>.
/// </summary>
/// <remarks>
/// Its state is read from the store at each opening (the rounds recorded, the budget reserved, the latest model), so a
/// session grain reactivated after its silo died carries on from what was committed; a round it had open is then lost
/// with its epoch, and that round's front ends learn it from the round grain, which no longer knows them. A watchdog
/// ends a round whose round grain was lost, so the next round can open.
/// </remarks>
[PreferLocalPlacement]
internal sealed partial class SessionGrain(IFederationStore store, SessionRegistry registry, RoundReleaser releaser, IClusterMembershipService membership, IOptions<RoundOptions> options, TimeProvider time, ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private RoundSlot? _open;
    private List<string> _joined = [];
    private bool _sealed;
    private IGrainTimer? _timer;

    public async Task<RoundSlot> JoinNextRoundAsync(string frontEnd)
    {
        string sessionId = this.GetPrimaryKeyString();
        if (_open is { } open)
        {
            if (_sealed)
            {
                return open with { Status = RoundSlotStatus.Busy, Message = $"Round {open.RoundNumber} of session '{sessionId}' is running." };
            }

            if (!_joined.Contains(frontEnd, StringComparer.Ordinal))
            {
                _joined.Add(frontEnd);
                await Round(open).SealAsync([.. _joined], open, false).ConfigureAwait(true);
            }

            return open;
        }

        StoredSession stored = await store.FindSessionAsync(sessionId, CancellationToken.None).ConfigureAwait(true)
            ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Session '{sessionId}' does not exist.") { Reason = ErrorReasons.SessionNotFound };
        SessionDefinition definition = stored.Definition;
        IReadOnlyList<RoundRecordData> rounds = await store.ListRoundsAsync(sessionId, CancellationToken.None).ConfigureAwait(true);
        IReadOnlyList<BudgetReservation> charges = await store.ListBudgetReservationsAsync(sessionId, CancellationToken.None).ConfigureAwait(true);
        ModelVersionRecord model = await store.FindLatestModelAsync(sessionId, CancellationToken.None).ConfigureAwait(true)
            ?? throw new InvalidOperationException($"Session '{sessionId}' has no model version.");
        foreach (BudgetReservation lost in charges.Where(c => !rounds.Any(r => r.RoundNumber == c.RoundNumber)))
        {
            // A round that reserved its charge and has no record lost its round grain with a previous activation of this
            // grain (both on the silo that died), so nobody recorded its end: it is recorded as aborted here, before the
            // next round opens, so that every charge has its round in the record.
            string reason = "the round's master was lost with its silo after the round reserved its charge; nothing was released, and the charge stands.";
            LogLostRoundRecorded(logger, sessionId, lost.RoundNumber);
            await releaser.RecordAbortedAsync(sessionId, lost.RoundNumber, new FrontEndReport("session", [], [], [reason], [], [], 0, 0, lost.ReservedUnixMs), reason).ConfigureAwait(true);
        }

        int completed = rounds.Count(r => r.Outcome == RoundOutcomeKind.Completed);
        long number = Math.Max(rounds.Count == 0 ? 1 : rounds.Max(r => r.RoundNumber) + 1, charges.Count == 0 ? 1 : charges.Max(c => c.RoundNumber) + 1);
        var slot = new RoundSlot(RoundSlotStatus.Open, sessionId, number, Guid.NewGuid().ToString("n"), model.Version, charges.Count, completed, string.Empty);
        if (stored.State == SessionState.Completed || completed >= definition.TotalRounds)
        {
            return slot with { Status = RoundSlotStatus.SessionCompleted, Message = $"Session '{sessionId}' has completed all {definition.TotalRounds} rounds." };
        }

        double epsilonAfter = PrivacyPlan.EpsilonAfter(definition, charges.Count + 1);
        if (stored.State == SessionState.BudgetExhausted || (definition.Privacy.Mode != DpModeKind.None && epsilonAfter > definition.Privacy.EpsilonBudget * (1 + 1e-9)))
        {
            // The server refuses a round whose release would overspend the session's budget; the state is stored first.
            await registry.SetStateAsync(sessionId, SessionState.BudgetExhausted, CancellationToken.None).ConfigureAwait(true);
            return slot with { Status = RoundSlotStatus.BudgetExhausted, Message = $"Session '{sessionId}' has spent its privacy budget: after {charges.Count} charged rounds ε = {PrivacyPlan.EpsilonAfter(definition, charges.Count):G4}, and another round would reach ε = {epsilonAfter:G4} > {definition.Privacy.EpsilonBudget:G4}; no more rounds." };
        }

        _open = slot;
        _joined = [frontEnd];
        int silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        _sealed = silos <= 1;

        // Alone in the cluster, the round needs no formation window: its only front end is here.
        await Round(slot).SealAsync([frontEnd], slot, _sealed).ConfigureAwait(true);
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(_sealed ? WatchPeriod : options.Value.CohortFormationWindow, WatchPeriod) { Interleave = false });
        LogRoundOpened(logger, sessionId, number, slot.Epoch, _joined.Count);
        return slot;
    }

    public Task RoundEndedAsync(RoundSlot slot, RoundEnd outcome)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (_open is { } open && string.Equals(open.Epoch, slot.Epoch, StringComparison.Ordinal))
        {
            Close();
        }

        return Task.CompletedTask;
    }

    private static TimeSpan WatchPeriod => TimeSpan.FromSeconds(2);

    private IRoundGrain Round(RoundSlot slot) => GrainFactory.GetGrain<IRoundGrain>(slot.RoundKey);

    // Seals a forming round once its window has passed; afterwards checks that the round's grain still knows it.
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (_open is not { } open)
        {
            return;
        }

        if (!_sealed)
        {
            _sealed = true;
            await Round(open).SealAsync([.. _joined], open, true).ConfigureAwait(true);
            return;
        }

        if (!await Round(open).IsKnownAsync().ConfigureAwait(true) && _open?.Epoch == open.Epoch)
        {
            // Its round grain was lost with its silo (a new activation knows nothing): the round aborts, the next may open.
            string reason = "the round's master was lost with its silo.";
            LogRoundLost(logger, open.SessionId, open.RoundNumber);
            await releaser.RecordAbortedAsync(open.SessionId, open.RoundNumber, new FrontEndReport("session", [], [], [reason], [], [], 0, 0, time.GetUtcNow().ToUnixTimeMilliseconds()), reason).ConfigureAwait(true);
            Close();
        }
    }

    private void Close()
    {
        _open = null;
        _joined = [];
        _sealed = false;
        _timer?.Dispose();
        _timer = null;
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, EventName = "ClusterRoundOpened", Message = "Session {SessionId} round {RoundNumber} (epoch {Epoch}) opened on the cluster with {FrontEnds} front ends so far.")]
    private static partial void LogRoundOpened(ILogger logger, string sessionId, long roundNumber, string epoch, int frontEnds);

    [LoggerMessage(EventId = 124, Level = LogLevel.Warning, EventName = "ClusterLostRoundRecorded", Message = "Session {SessionId} round {RoundNumber} reserved its charge but was never recorded (its round grain was lost with its silo); it is recorded as aborted.")]
    private static partial void LogLostRoundRecorded(ILogger logger, string sessionId, long roundNumber);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, EventName = "ClusterRoundLost", Message = "Session {SessionId} round {RoundNumber}: its round grain was lost with its silo; the round is aborted.")]
    private static partial void LogRoundLost(ILogger logger, string sessionId, long roundNumber);
}
