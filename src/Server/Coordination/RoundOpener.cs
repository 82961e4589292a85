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
/// <remarks>Runs under the session's gate, when the lobby decides a round may open.</remarks>
internal sealed partial class RoundOpener(SessionRegistry registry, IOptions<RoundOptions> options, ILogger<RoundOpener> logger)
{
    /// <summary>The next round's setup, or null if none can open (the waiting banks are then refused, with the reason).</summary>
    public RoundSetup? Open(SessionRuntime session, RoundLobby lobby)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(lobby);
        SessionDefinition definition = session.Definition;
        double epsilonAfter = PrivacyPlan.EpsilonAfter(definition, session.CompletedRounds + 1);
        if (definition.Privacy.Mode != DpModeKind.None && epsilonAfter > definition.Privacy.EpsilonBudget * (1 + 1e-9))
        {
            // The server refuses a round whose release would overspend the session's budget.
            registry.SetState(session, SessionState.BudgetExhausted);
            var exhausted = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{definition.SessionId}' has spent its privacy budget: after {session.CompletedRounds} rounds ε = {session.EpsilonSpent:G4}, and another round would reach ε = {epsilonAfter:G4} > {definition.Privacy.EpsilonBudget:G4}; no more rounds.") { Reason = ErrorReasons.BudgetExhausted };
            lobby.RefuseAll(exhausted);
            LogBudgetExhausted(logger, definition.SessionId, session.CompletedRounds, epsilonAfter, definition.Privacy.EpsilonBudget);
            return null;
        }

        string[] participants = lobby.Select(definition.MaximumClients);
        long number = session.NextRoundNumber++;
        byte[] graphSeed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
        SecAggParameters parameters;
        var identityKeys = new Dictionary<int, ReadOnlyMemory<byte>>();
        try
        {
            parameters = TrainingCoordinator.CreateParameters(definition, participants.Length, new RoundIdentity(definition.SessionId, number, graphSeed));
            PrivacyPlan.RequireAccountableClientSigma(definition, participants.Length, parameters.Threshold);
            for (int i = 0; i < participants.Length; i++)
            {
                identityKeys[i + 1] = registry.IdentityKey(participants[i])
                    ?? throw new CoordinatorException(CoordinatorErrorKind.PermissionDenied, $"Client '{participants[i]}' is no longer enrolled.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CoordinatorException)
        {
            // The round cannot be formed; tell the waiting clients why rather than leave them hanging.
            var refusal = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {number} of session '{definition.SessionId}' cannot open with {participants.Length} clients: {ex.Message}") { Reason = ErrorReasons.RoundNotFormed };
            foreach (string id in participants)
            {
                lobby.Refuse(id, refusal);
            }

            return null;
        }

        var round = new AggregationRound(parameters, parameters.Mode == SecAggMode.Active ? identityKeys : null);
        var participantList = participants.Select((id, i) => (i + 1, id, identityKeys[i + 1].ToArray())).ToList();
        var tickets = new Dictionary<int, RoundTicket>();
        TimeSpan stageDeadline = options.Value.StageDeadlineFor(participants.Length);
        for (int i = 0; i < participants.Length; i++)
        {
            tickets[i + 1] = new RoundTicket(definition, number, graphSeed, i + 1, participantList, parameters, session.Model, stageDeadline, epsilonAfter, PrivacyPlan.ClientSigma(definition, participants.Length, parameters.Threshold));
        }

        int minimumSurvivors = definition.Privacy.Mode == DpModeKind.None ? 0 : PrivacyPlan.MinimumSurvivors(definition, participants.Length, parameters.Threshold);
        return new RoundSetup(definition.SessionId, number, round, participants, tickets, stageDeadline, minimumSurvivors);
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, EventName = "PrivacyBudgetExhausted", Message = "Session {SessionId} stops after {Rounds} rounds: the next would reach ε = {Epsilon} > budget {Budget}.")]
    private static partial void LogBudgetExhausted(ILogger logger, string sessionId, int rounds, double epsilon, double budget);
}
