using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Grains;

/// <summary>
/// A front end's link to the session and round grains: the one code path of a server, on one silo or many. Its cohorts
/// stay in this process (their masked inputs never leave it); only the join, the reservation and the cohort sums go
/// to the grains.
/// </summary>
internal sealed class GrainRoundCoordination(IGrainFactory grains, ILocalSiloDetails silo, IFederationStore store, IClusterMembershipService membership) : IRoundCoordination
{
    public string FrontEnd { get; } = silo.SiloAddress.ToParsableString();

    // With other silos, the round's cohorts come from every front end that joins: the round grain requires the session's
    // minimum of all of them, and a front end needs only banks for one (it would otherwise wait for minimum cohorts × minimum
    // size banks of its own, which the whole cluster may not have). Alone, its cohorts are the round's.
    public int CohortsToForm(SessionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        int silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return silos > 1 ? 1 : definition.MinimumCohorts;
    }

    public async Task<RoundSlot> JoinAsync(SessionRuntime session)
    {
        ArgumentNullException.ThrowIfNull(session);
        RoundSlot slot = await grains.GetGrain<ISessionGrain>(session.Definition.SessionId).JoinNextRoundAsync(FrontEnd).ConfigureAwait(false);
        if (slot.Status == RoundSlotStatus.BudgetExhausted)
        {
            // Stored by the session grain; this process's copy follows.
            lock (session.Gate)
            {
                session.State = SessionState.BudgetExhausted;
            }
        }

        return slot;
    }

    public Task AbandonAsync(SessionRuntime session, RoundSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);

        // An empty report: this front end formed no cohort; the round goes on with the others' (or ends with none).
        return grains.GetGrain<IRoundGrain>(slot.RoundKey).ReportAsync(new FrontEndReport(FrontEnd, [], [], [], [], [], 0, 0, 0));
    }

    public async Task<int> ReserveBudgetAsync(SessionRuntime session, RoundSlot slot, int cohorts)
    {
        ArgumentNullException.ThrowIfNull(slot);
        // The round grain reserves once however often it is asked, so a call that timed out is made again, as a report is:
        // a front end busy with thousands of banks can see the first answer late, and a fault here aborts every cohort of
        // this front end (they share the reservation). Found by the scale-out benchmark (10,000 banks on 3 silos).
        IRoundGrain round = grains.GetGrain<IRoundGrain>(slot.RoundKey);
        int charge = await AskAgainOnTimeoutAsync(() => round.ReserveBudgetAsync(FrontEnd, cohorts)).ConfigureAwait(false);
        return charge switch
        {
            >= 0 => charge,
            -2 => throw new Crypto.SecAgg.RoundAbortedException(Crypto.SecAgg.RoundStage.MaskedInput, $"Round {slot.RoundNumber}'s front ends formed fewer cohorts than the session's minimum; no budget was reserved and the sums are not unmasked."),
            _ => throw new Crypto.SecAgg.RoundAbortedException(Crypto.SecAgg.RoundStage.MaskedInput, $"Round {slot.RoundNumber}'s master was lost with its silo; no budget was reserved and the sum is not unmasked."),
        };
    }

    // A report is idempotent, so a call that timed out is made again; a master that cannot be reached (its silo died)
    // or keeps timing out is read from the store: what it committed or recorded stands, and a round with neither
    // never released (the dead master cannot commit later, and a new one fences the old round off).
    private async Task<RoundEnd> ReportAsync(RoundSlot slot, FrontEndReport report)
    {
        IRoundGrain round = grains.GetGrain<IRoundGrain>(slot.RoundKey);
        try
        {
            return await AskAgainOnTimeoutAsync(() => round.ReportAsync(report)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTimeout(ex) || ex is OrleansException)
        {
            RoundRecordData? record = (await store.ListRoundsAsync(slot.SessionId, CancellationToken.None).ConfigureAwait(false)).FirstOrDefault(r => r.RoundNumber == slot.RoundNumber);
            if (record is { Outcome: RoundOutcomeKind.Completed, ModelVersion: long version })
            {
                int charged = (await store.ListBudgetReservationsAsync(slot.SessionId, CancellationToken.None).ConfigureAwait(false)).Count;
                ModelVersionRecord? model = await store.FindModelAsync(slot.SessionId, version, CancellationToken.None).ConfigureAwait(false);
                StoredSession? stored = await store.FindSessionAsync(slot.SessionId, CancellationToken.None).ConfigureAwait(false);
                return new RoundEnd(true, version, model?.EpsilonSpent ?? 0, charged, stored?.State == SessionState.Completed, string.Empty);
            }

            string reason = record?.AbortReason ?? $"the round's master could not be reached ({ex.GetType().Name}); nothing was released.";
            return new RoundEnd(false, slot.ModelVersion, 0, slot.ChargedRounds, false, reason);
        }
    }

    private const int Attempts = 3;

    // Both calls to the round grain are idempotent, so one that timed out is made again, up to Attempts times in all.
    private static async Task<T> AskAgainOnTimeoutAsync<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTimeout(ex) && attempt < Attempts)
            {
            }
        }
    }

    // A grain call that outlived its response timeout faults with TimeoutException; under heavy load the scale-out
    // benchmark (3 silos, 5,000 banks, d = 10^5) also saw the reservation fault with OperationCanceledException ("message
    // expired before placement could complete": the round grain's silo was not resolved in time). The front end never
    // cancels these calls itself, so both mean "no answer yet", and both calls are idempotent.
    private static bool IsTimeout(Exception ex) => ex is TimeoutException or OperationCanceledException;

    public async Task<RoundRelease> EndAsync(SessionRuntime session, RoundSlot slot, FrontEndReport report)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(slot);
        RoundEnd end = await ReportAsync(slot, report).ConfigureAwait(false);
        if (!end.Released)
        {
            lock (session.Gate)
            {
                session.ChargedRounds = Math.Max(session.ChargedRounds, end.ChargedRounds);
                session.EpsilonSpent = Math.Max(session.EpsilonSpent, end.EpsilonSpent);
            }

            throw new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {slot.RoundNumber} was aborted: {end.AbortReason}") { Reason = ErrorReasons.RoundAborted, RoundReason = end.AbortReason };
        }

        ModelVersionRecord model = await store.FindModelAsync(slot.SessionId, end.ModelVersion, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Session '{slot.SessionId}' has no model version {end.ModelVersion}.");
        lock (session.Gate)
        {
            session.ChargedRounds = Math.Max(session.ChargedRounds, end.ChargedRounds);
            SessionRegistry.Apply(session, model, end.CompletesSession);
        }

        return new RoundRelease(model.Version, model.EpsilonSpent);
    }
}
