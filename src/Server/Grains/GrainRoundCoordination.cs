using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Grains;

/// <summary>
/// A front end's link to the session and round grains: the one code path of a server, on one silo or many. Its cohorts
/// stay in this process (their masked inputs never leave it); only the join, the reservation and the cohort sums go
/// to the grains.
/// </summary>
internal sealed class GrainRoundCoordination(IGrainFactory grains, ILocalSiloDetails silo, IFederationStore store) : IRoundCoordination
{
    public string FrontEnd { get; } = silo.SiloAddress.ToParsableString();

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

    public Task<int> ReserveBudgetAsync(SessionRuntime session, RoundSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return grains.GetGrain<IRoundGrain>(slot.RoundKey).ReserveBudgetAsync();
    }

    public async Task<RoundRelease> EndAsync(SessionRuntime session, RoundSlot slot, FrontEndReport report)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(slot);
        RoundEnd end = await grains.GetGrain<IRoundGrain>(slot.RoundKey).ReportAsync(report).ConfigureAwait(false);
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
