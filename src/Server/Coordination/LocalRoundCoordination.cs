using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Owns a session's rounds inside one process, for a host that runs no silo: the same decisions as the session and
/// round grains (a round opens only if the budget pays for it, reserves its charge once, releases if enough cohorts
/// released), taken on the process's own <see cref="SessionRuntime"/>. The server itself always runs a silo and uses
/// the grains (one code path); this serves hosts and tests that compose the coordination pieces without Orleans.
/// </summary>
internal sealed class LocalRoundCoordination(SessionRegistry registry, RoundReleaser releaser, TimeProvider time) : IRoundCoordination
{
    private const string Epoch = "local";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Session, long Round), int> _charges = new();

    public string FrontEnd => "local";

    // The only front end: its cohorts are the round's.
    public int CohortsToForm(SessionDefinition definition) => (definition ?? throw new ArgumentNullException(nameof(definition))).MinimumCohorts;

    public async Task<RoundSlot> JoinAsync(SessionRuntime session)
    {
        ArgumentNullException.ThrowIfNull(session);
        SessionDefinition definition = session.Definition;
        double epsilonAfter;
        lock (session.Gate)
        {
            epsilonAfter = PrivacyPlan.EpsilonAfter(definition, session.ChargedRounds + 1);
            if (session.State == SessionState.Completed)
            {
                return Slot(session, RoundSlotStatus.SessionCompleted, 0, string.Empty);
            }

            if (definition.Privacy.Mode == DpModeKind.None || epsilonAfter <= definition.Privacy.EpsilonBudget * (1 + 1e-9))
            {
                return Slot(session, RoundSlotStatus.Open, session.NextRoundNumber++, string.Empty);
            }
        }

        // The server refuses a round whose release would overspend the session's budget; the state is stored first.
        await registry.SetStateAsync(session, SessionState.BudgetExhausted, CancellationToken.None).ConfigureAwait(false);
        lock (session.Gate)
        {
            return Slot(session, RoundSlotStatus.BudgetExhausted, 0, $"Session '{definition.SessionId}' has spent its privacy budget: after {session.ChargedRounds} charged rounds ε = {session.EpsilonSpent:G4}, and another round would reach ε = {epsilonAfter:G4} > {definition.Privacy.EpsilonBudget:G4}; no more rounds.");
        }
    }

    public Task AbandonAsync(SessionRuntime session, RoundSlot slot)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(slot);
        lock (session.Gate)
        {
            // Nothing happened in the round: its number is given back unless a later round took one.
            if (session.NextRoundNumber == slot.RoundNumber + 1)
            {
                session.NextRoundNumber = slot.RoundNumber;
            }
        }

        return Task.CompletedTask;
    }

    public async Task<int> ReserveBudgetAsync(SessionRuntime session, RoundSlot slot, int cohorts)
    {
        ArgumentNullException.ThrowIfNull(slot);
        int charge = (await registry.ReserveBudgetAsync(session, slot.RoundNumber, time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false)).Charge;
        _charges[(slot.SessionId, slot.RoundNumber)] = charge;
        return charge;
    }

    public async Task<RoundRelease> EndAsync(SessionRuntime session, RoundSlot slot, FrontEndReport report)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(report);
        SessionDefinition definition = session.Definition;
        _charges.TryRemove((slot.SessionId, slot.RoundNumber), out int charge);
        ModelVersionRecord baseModel;
        lock (session.Gate)
        {
            baseModel = session.Model;
        }

        string? reason = RoundAbortReason.For(report.Released.Length, report.Released.Length + report.AbortReasons.Length, definition.MinimumCohorts, report.AbortReasons);
        if (reason is null && charge > 0)
        {
            try
            {
                (ModelVersionRecord model, bool last) = await releaser.ReleaseAsync(definition, baseModel, slot.CompletedRounds, charge, slot.RoundNumber, report).ConfigureAwait(false);
                lock (session.Gate)
                {
                    SessionRegistry.Apply(session, model, last);
                }

                return new RoundRelease(model.Version, model.EpsilonSpent);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                reason = $"its release could not be committed ({ex.GetType().Name}).";
            }
        }

        reason ??= "no budget reservation was made.";
        await releaser.RecordAbortedAsync(definition.SessionId, slot.RoundNumber, report, reason).ConfigureAwait(false);
        throw new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {slot.RoundNumber} was aborted: {reason}") { Reason = ErrorReasons.RoundAborted, RoundReason = reason };
    }

    private static RoundSlot Slot(SessionRuntime session, RoundSlotStatus status, long number, string message) =>
        new(status, session.Definition.SessionId, number, Epoch, session.Model.Version, session.ChargedRounds, session.CompletedRounds, message);
}
