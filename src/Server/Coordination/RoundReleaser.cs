using Microsoft.Extensions.Options;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Ends a round in the session's record: a released sum is decoded into the next model version, with its
/// <see cref="PrivacyRecord"/>, and committed once with the round record and the ledger entry; an aborted round leaves
/// only its record. Either way, each culprit the round proved is counted against its bank.
/// </summary>
/// <remarks>Runs under the session's gate, called by the round's <see cref="RoundDriver"/> through the coordinator.</remarks>
internal sealed partial class RoundReleaser(SessionRegistry registry, IFederationStore store, IOptions<RoundOptions> options, TimeProvider time, ILogger<RoundReleaser> logger)
{
    /// <summary>Turns a round's sum into the session's next model version and commits it.</summary>
    /// <exception cref="InvalidOperationException">The round was already released: a round commits once.</exception>
    public RoundOutcome Release(SessionRuntime session, RoundDriver round, AggregationResult result)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(result);
        if (session.Model.RoundNumber >= round.Number)
        {
            throw new InvalidOperationException($"Round {round.Number} of session '{session.Definition.SessionId}' is already released (model version {session.Model.Version} came from round {session.Model.RoundNumber}).");
        }

        SessionDefinition definition = session.Definition;
        double[] decoded = new double[definition.ModelLength];
        UpdateEncoding.Quantizer(definition.Training, round.ParticipantIds.Length).Decode(result.Sum.Span, decoded);
        double[] weights = ModelUpdater.Apply(session.Model.Weights, decoded, result.IncludedClients.Count, definition.Training);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var privacy = PrivacyRecord.For(definition, round.ParticipantIds.Length, round.Round.Parameters.Threshold, session.CompletedRounds + 1);
        string privacyJson = privacy.ToJson();
        var model = new ModelVersionRecord(definition.SessionId, session.Model.Version + 1, round.Number, weights, result.IncludedClients.Count, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        string[] included = [.. result.IncludedClients.Select(i => round.ParticipantIds[i - 1])];
        var ledger = new LedgerEntryData(definition.SessionId, round.Number, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        bool last = privacy.ReleasedRounds >= definition.TotalRounds;
        registry.CommitRound(session, Record(session, round, RoundRecordData.Completed, null, included, model.Version, now), model, ledger, last);
        ReportCulprits(session, round);
        LogRoundCompleted(logger, definition.SessionId, round.Number, included.Length, round.ParticipantIds.Length, model.Version);
        return new RoundOutcome(round.Number, model.Version, result.IncludedClients, privacy.Epsilon);
    }

    /// <summary>Records an aborted round; the abort stands even if it cannot be recorded, since nothing was released.</summary>
    public void RecordAborted(SessionRuntime session, RoundDriver round, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(round);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            registry.CommitRound(session, Record(session, round, RoundRecordData.Aborted, reason, [], null, now), null, null, false);
            ReportCulprits(session, round);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRecordFailed(logger, session.Definition.SessionId, round.Number, round.Round.Stage, ex);
        }
    }

    private static RoundRecordData Record(SessionRuntime session, RoundDriver round, string outcome, string? reason, string[] included, long? modelVersion, long now) =>
        new(
            session.Definition.SessionId,
            round.Number,
            outcome,
            reason,
            round.ParticipantIds,
            included,
            [.. round.ParticipantIds.Except(included, StringComparer.Ordinal)],
            round.Timings,
            modelVersion,
            round.StartedUnixMs,
            now,
            round.Round.Parameters.Threshold,
            round.Round.Parameters.Degree,
            [.. round.Round.Culprits.Select(c => new RoundCulpritData(round.ParticipantIds[c.Client - 1], c.Misbehaviour))]);

    /// <summary>Counts each culprit's proven violation and suspends a bank caught repeatedly (RoundOptions.SuspendAfterMisbehaviours).</summary>
    private void ReportCulprits(SessionRuntime session, RoundDriver round)
    {
        foreach (RoundCulprit culprit in round.Round.Culprits)
        {
            string clientId = round.ParticipantIds[culprit.Client - 1];
            // Dealing inconsistent but committed shares is never an accident (specs/protocol.md §2.9): suspended at once.
            int suspendAt = culprit.Misbehaviour == Misbehaviour.InconsistentSharing ? Math.Min(1, options.Value.SuspendAfterMisbehaviours) : options.Value.SuspendAfterMisbehaviours;
            (int count, bool suspended) = store.RecordMisbehaviour(clientId, suspendAt);
            LogCulprit(logger, session.Definition.SessionId, round.Number, clientId, culprit.Misbehaviour, count);
            if (suspended)
            {
                LogClientSuspended(logger, clientId, count);
            }
        }
    }
}
