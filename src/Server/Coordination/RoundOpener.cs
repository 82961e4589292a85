using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Forms a session's next round from the banks its lobby selects: refuses it if its release would overspend the
/// privacy budget (the session then stops), derives its parameters and σ_client, checks every participant is still
/// enrolled, and writes each participant's ticket.
/// </summary>
/// <remarks>
/// The lobby decides under the session's gate that a round may open; the opener then chooses its banks there and
/// marks the session <see cref="SessionRuntime.Opening"/>, reads their enrolled keys (or stores the budget-exhausted
/// state) off the gate, and settles the round under the gate again. No thread waits on the store under the gate, and
/// no second round can open, nor a waiter be admitted twice, in between (issue 12).
/// </remarks>
internal sealed partial class RoundOpener(SessionRegistry registry, IOptions<RoundOptions> options, ILogger<RoundOpener> logger, Observability.ServerMetrics? metrics = null)
{
    /// <summary>
    /// Opens the session's next round if it can. Called under the session's gate (by the lobby) or outside it; the
    /// banks are chosen before it returns, and <paramref name="start"/> is called under the gate with the formed
    /// round before any bank can leave the lobby, to install it and admit its banks.
    /// </summary>
    /// <returns>The setup given to <paramref name="start"/>, or null if none opened (the chosen banks, or every bank when the budget is spent, are then refused with the reason).</returns>
    public Task<IReadOnlyList<RoundSetup>?> OpenAsync(SessionRuntime session, RoundLobby lobby, Action<IReadOnlyList<RoundSetup>> start)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(lobby);
        ArgumentNullException.ThrowIfNull(start);
        lock (session.Gate)
        {
            if (session.Opening || session.Round is not null)
            {
                return Task.FromResult<IReadOnlyList<RoundSetup>?>(null);
            }

            session.Opening = true;
            SessionDefinition definition = session.Definition;
            double epsilonAfter = PrivacyPlan.EpsilonAfter(definition, session.ChargedRounds + 1);
            if (definition.Privacy.Mode != DpModeKind.None && epsilonAfter > definition.Privacy.EpsilonBudget * (1 + 1e-9))
            {
                // The server refuses a round whose release would overspend the session's budget.
                return StopAsync(session, lobby, epsilonAfter);
            }

            (int take, int cohorts) = CohortPlan.Size(definition, lobby.Count);
            return FormAsync(session, lobby, lobby.Select(take), cohorts, start);
        }
    }

    /// <summary>
    /// Forms round <paramref name="number"/> of a session from its participants (index i is participant i − 1) and
    /// their enrolled keys: its parameters, the σ_client check, its state machine and each participant's ticket. The
    /// one derivation of what a round announces; RoundPlanAgreementTests checks it against the banks' own.
    /// </summary>
    /// <exception cref="ArgumentException">The session's settings give no valid round for this many participants.</exception>
    /// <exception cref="CoordinatorException">A participant is no longer enrolled (its key is null).</exception>
    /// <remarks>
    /// <paramref name="chargedRounds"/> is how many rounds the session's budget has paid for so far (the announced ε is
    /// that after one more); <paramref name="cohort"/> is the cohort these participants form within the round, from 0:
    /// each cohort is formed alone, with its own graph seed.
    /// </remarks>
    internal static RoundSetup Form(SessionDefinition definition, ModelVersionRecord model, int chargedRounds, long number, byte[] graphSeed, IReadOnlyList<(string ClientId, ReadOnlyMemory<byte>? IdentityKey)> participants, TimeSpan stageDeadline, int cohort = 0)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(participants);
        SecAggParameters parameters = TrainingCoordinator.CreateParameters(definition, participants.Count, new RoundIdentity(definition.SessionId, number, graphSeed));
        PrivacyPlan.RequireAccountableClientSigma(definition, participants.Count, parameters.Threshold);
        var identityKeys = new Dictionary<int, ReadOnlyMemory<byte>>();
        for (int i = 0; i < participants.Count; i++)
        {
            identityKeys[i + 1] = participants[i].IdentityKey
                ?? throw new CoordinatorException(CoordinatorErrorKind.PermissionDenied, $"Client '{participants[i].ClientId}' is no longer enrolled.");
        }

        var round = new AggregationRound(parameters, parameters.Mode == SecAggMode.Active ? identityKeys : null);
        var participantList = participants.Select((p, i) => (i + 1, p.ClientId, identityKeys[i + 1].ToArray())).ToList();
        double epsilonAfter = PrivacyPlan.EpsilonAfter(definition, chargedRounds + 1);
        double clientSigma = PrivacyPlan.ClientSigma(definition, participants.Count, parameters.Threshold);
        var tickets = new Dictionary<int, RoundTicket>();
        for (int i = 0; i < participants.Count; i++)
        {
            tickets[i + 1] = new RoundTicket(definition, number, graphSeed, i + 1, participantList, parameters, model, stageDeadline, epsilonAfter, clientSigma, cohort);
        }

        int minimumSurvivors = definition.Privacy.Mode == DpModeKind.None ? 0 : PrivacyPlan.MinimumSurvivors(definition, participants.Count, parameters.Threshold);
        return new RoundSetup(definition.SessionId, number, round, [.. participants.Select(p => p.ClientId)], tickets, stageDeadline, minimumSurvivors, cohort);
    }

    private async Task<IReadOnlyList<RoundSetup>?> FormAsync(SessionRuntime session, RoundLobby lobby, string[] participants, int cohorts, Action<IReadOnlyList<RoundSetup>> start)
    {
        // Read under the gate before, a bank revoked while it waited is still left out: its key is read after it was chosen.
        ReadOnlyMemory<byte>?[]? keys = null;
        Exception? failure = null;
        try
        {
            keys = await registry.IdentityKeysAsync(participants, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
        }

        lock (session.Gate)
        {
            session.Opening = false;
            SessionDefinition definition = session.Definition;
            if (!participants.All(lobby.IsWaiting))
            {
                // A chosen bank left while the keys were read: choose again from the banks that wait now.
                lobby.TryOpen();
                return null;
            }

            if (failure is not null)
            {
                LogOpenFailed(logger, definition.SessionId, participants.Length);
                Refuse(lobby, participants, failure);
                return null;
            }

            long number = session.NextRoundNumber++;
            var keyOf = participants.Select((id, i) => (id, keys![i])).ToDictionary(p => p.id, p => p.Item2, StringComparer.Ordinal);
            var setups = new List<RoundSetup>(cohorts);
            try
            {
                // Each cohort is a round of its own: its banks, its graph seed (which also names it in every derivation,
                // so no message of one cohort verifies in another), its t, m and σ_client.
                foreach (string[] members in CohortPlan.Split(participants, cohorts))
                {
                    byte[] graphSeed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
                    setups.Add(Form(definition, session.Model, session.ChargedRounds, number, graphSeed, [.. members.Select(id => (id, keyOf[id]))], options.Value.StageDeadlineFor(members.Length), setups.Count));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or CoordinatorException)
            {
                // The round cannot be formed; tell the waiting clients why rather than leave them hanging.
                Refuse(lobby, participants, new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {number} of session '{definition.SessionId}' cannot open with {participants.Length} clients: {ex.Message}") { Reason = ErrorReasons.RoundNotFormed });
                return null;
            }

            start(setups);
            metrics?.RoundOpened(definition.SessionId, setups);
            return setups;
        }
    }

    private async Task<IReadOnlyList<RoundSetup>?> StopAsync(SessionRuntime session, RoundLobby lobby, double epsilonAfter)
    {
        // Stored (and then set in memory) before any bank is told.
        Exception? failure = null;
        try
        {
            await registry.SetStateAsync(session, SessionState.BudgetExhausted, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
        }

        lock (session.Gate)
        {
            session.Opening = false;
            SessionDefinition definition = session.Definition;
            if (failure is not null)
            {
                LogOpenFailed(logger, definition.SessionId, lobby.Count);
                lobby.RefuseAll(failure);
                return null;
            }

            var exhausted = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{definition.SessionId}' has spent its privacy budget: after {session.ChargedRounds} charged rounds ε = {session.EpsilonSpent:G4}, and another round would reach ε = {epsilonAfter:G4} > {definition.Privacy.EpsilonBudget:G4}; no more rounds.") { Reason = ErrorReasons.BudgetExhausted };
            lobby.RefuseAll(exhausted);
            LogBudgetExhausted(logger, definition.SessionId, session.ChargedRounds, epsilonAfter, definition.Privacy.EpsilonBudget);
            return null;
        }
    }

    // The refused banks leave the lobby; banks that came while the round was being formed may now make one.
    private static void Refuse(RoundLobby lobby, string[] participants, Exception error)
    {
        foreach (string id in participants)
        {
            lobby.Refuse(id, error);
        }

        lobby.TryOpen();
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, EventName = "PrivacyBudgetExhausted", Message = "Session {SessionId} stops after {Rounds} rounds: the next would reach ε = {Epsilon} > budget {Budget}.")]
    private static partial void LogBudgetExhausted(ILogger logger, string sessionId, int rounds, double epsilon, double budget);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, EventName = "RoundOpenFailed", Message = "Session {SessionId} could not open a round for {Clients} waiting clients: the store failed; they are refused with its error.")]
    private static partial void LogOpenFailed(ILogger logger, string sessionId, int clients);
}
