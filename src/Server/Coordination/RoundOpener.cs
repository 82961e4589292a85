using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Forms this front end's part of a session's next round from the banks its lobby selects: joins the round the
/// session's owner opens (<see cref="IRoundCoordination"/>, which refuses a round the privacy budget cannot pay for and
/// then stops the session), splits the banks into cohorts, derives each cohort's parameters and σ_client, checks every
/// participant is still enrolled, and writes each participant's ticket.
/// </summary>
/// <remarks>
/// The lobby decides under the session's gate that a round may open; the opener then chooses its banks there and
/// marks the session <see cref="SessionRuntime.Opening"/>, joins the round and reads their enrolled keys off the gate,
/// and settles the round under the gate again. No thread waits on the store or a grain under the gate, and no second
/// round can open, nor a waiter be admitted twice, in between (issue 12).
/// </remarks>
internal sealed partial class RoundOpener(SessionRegistry registry, IRoundCoordination coordination, IFederationStore store, IOptions<RoundOptions> options, ILogger<RoundOpener> logger, Observability.ServerMetrics? metrics = null)
{
    /// <summary>
    /// Opens this front end's part of the session's next round if it can. Called under the session's gate (by the lobby)
    /// or outside it; the banks are chosen before it returns, and <paramref name="start"/> is called under the gate with
    /// the round's slot and its cohorts before any bank can leave the lobby, to install them and admit the banks.
    /// </summary>
    /// <returns>The cohorts given to <paramref name="start"/>, or null if none opened (the chosen banks, or every bank when the session takes no more rounds, are then refused with the reason).</returns>
    public Task<IReadOnlyList<RoundSetup>?> OpenAsync(SessionRuntime session, RoundLobby lobby, Action<RoundSlot, IReadOnlyList<RoundSetup>> start)
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
            (int take, int cohorts) = CohortPlan.Size(session.Definition, lobby.Count, coordination.CohortsToForm(session.Definition));
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

    private async Task<IReadOnlyList<RoundSetup>?> FormAsync(SessionRuntime session, RoundLobby lobby, string[] participants, int cohorts, Action<RoundSlot, IReadOnlyList<RoundSetup>> start)
    {
        // Read under the gate before, a bank revoked while it waited is still left out: its key is read after it was chosen.
        RoundSlot? slot = null;
        ReadOnlyMemory<byte>?[]? keys = null;
        ModelVersionRecord? model = null;
        Exception? failure = null;
        try
        {
            Task<ReadOnlyMemory<byte>?[]> reading = registry.IdentityKeysAsync(participants, CancellationToken.None);
            slot = await Task.Run(() => coordination.JoinAsync(session)).ConfigureAwait(false);
            keys = await reading.ConfigureAwait(false);
            if (slot.Status == RoundSlotStatus.Open)
            {
                // Another front end's round may have released a model this process has not loaded yet.
                model = session.Model.Version == slot.ModelVersion ? session.Model : await store.FindModelAsync(slot.SessionId, slot.ModelVersion, CancellationToken.None).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Session '{slot.SessionId}' has no model version {slot.ModelVersion}.");
            }
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
                LogOpenFailed(logger, definition.SessionId, participants.Length);
                Abandon(session, slot);
                Refuse(lobby, participants, failure);
                return null;
            }

            switch (slot!.Status)
            {
                case RoundSlotStatus.Busy:
                    // Another front end's round is running: these banks wait for the next one.
                    lobby.RetryLater();
                    return null;
                case RoundSlotStatus.SessionCompleted:
                    session.State = SessionState.Completed;
                    lobby.RefuseAll(new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{definition.SessionId}' has completed all {definition.TotalRounds} rounds.") { Reason = ErrorReasons.SessionCompleted });
                    return null;
                case RoundSlotStatus.BudgetExhausted:
                    session.State = SessionState.BudgetExhausted;
                    lobby.RefuseAll(new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, slot.Message) { Reason = ErrorReasons.BudgetExhausted });
                    LogBudgetExhausted(logger, definition.SessionId, slot.ChargedRounds, definition.Privacy.EpsilonBudget);
                    return null;
            }

            if (!participants.All(lobby.IsWaiting))
            {
                // A chosen bank left while the round was joined: give the round up and choose again from the banks that wait now.
                Abandon(session, slot);
                lobby.TryOpen();
                return null;
            }

            session.Model = model!;
            session.ChargedRounds = Math.Max(session.ChargedRounds, slot.ChargedRounds);
            session.CompletedRounds = Math.Max(session.CompletedRounds, slot.CompletedRounds);
            session.NextRoundNumber = Math.Max(session.NextRoundNumber, slot.RoundNumber + 1);
            long number = slot.RoundNumber;
            var keyOf = participants.Select((id, i) => (id, keys![i])).ToDictionary(p => p.id, p => p.Item2, StringComparer.Ordinal);
            var setups = new List<RoundSetup>(cohorts);
            try
            {
                // Each cohort is a round of its own: its banks, its graph seed (which also names it in every derivation,
                // so no message of one cohort verifies in another), its t, m and σ_client.
                foreach (string[] members in CohortPlan.Split(participants, cohorts))
                {
                    byte[] graphSeed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
                    setups.Add(Form(definition, session.Model, slot.ChargedRounds, number, graphSeed, [.. members.Select(id => (id, keyOf[id]))], options.Value.StageDeadlineFor(members.Length), setups.Count));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or CoordinatorException)
            {
                // The round cannot be formed; tell the waiting clients why rather than leave them hanging.
                Abandon(session, slot);
                Refuse(lobby, participants, new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {number} of session '{definition.SessionId}' cannot open with {participants.Length} clients: {ex.Message}") { Reason = ErrorReasons.RoundNotFormed });
                return null;
            }

            start(slot, setups);

            metrics?.RoundOpened(definition.SessionId, setups);
            return setups;
        }
    }

    // Under the gate: a joined round this front end will not form is given back off the gate.
    private void Abandon(SessionRuntime session, RoundSlot? slot)
    {
        if (slot is { Status: RoundSlotStatus.Open })
        {
            _ = coordination.AbandonAsync(session, slot);
        }
    }

    // The refused banks leave the lobby; banks that came while the round was being formed may now make one.
    private static void Refuse(RoundLobby lobby, string[] participants, Exception error)
    {
        foreach (string id in participants.Where(lobby.IsWaiting))
        {
            lobby.Refuse(id, error);
        }

        lobby.TryOpen();
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, EventName = "PrivacyBudgetExhausted", Message = "Session {SessionId} stops after {Rounds} charged rounds: the next would exceed its budget {Budget}.")]
    private static partial void LogBudgetExhausted(ILogger logger, string sessionId, int rounds, double budget);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, EventName = "RoundOpenFailed", Message = "Session {SessionId} could not open a round for {Clients} waiting clients: the store or the round's owner failed; they are refused with its error.")]
    private static partial void LogOpenFailed(ILogger logger, string sessionId, int clients);
}
