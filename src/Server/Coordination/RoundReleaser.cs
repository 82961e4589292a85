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
    /// <summary>
    /// Turns a round's sum into the session's next model version and commits it. Called under the session's gate: the
    /// checks and the new version are computed there, the commit runs off it (issue 12), and the session's in-memory
    /// state follows under the gate once the commit is durable.
    /// </summary>
    /// <exception cref="InvalidOperationException">The round was already released: a round commits once.</exception>
    public Task<RoundOutcome> ReleaseAsync(SessionRuntime session, RoundDriver round, AggregationResult result)
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
        double[] weights = ModelUpdater.Apply([.. session.Model.Weights], decoded, result.IncludedClients.Count, definition.Training);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var privacy = PrivacyRecord.For(definition, round.ParticipantIds.Length, round.Round.Parameters.Threshold, session.CompletedRounds + 1);
        string privacyJson = privacy.ToJson();
        var model = new ModelVersionRecord(definition.SessionId, session.Model.Version + 1, round.Number, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(weights), result.IncludedClients.Count, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        string[] included = [.. result.IncludedClients.Select(i => round.ParticipantIds[i - 1])];
        var ledger = new LedgerEntryData(definition.SessionId, round.Number, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        bool last = privacy.ReleasedRounds >= definition.TotalRounds;
        RoundRecordData record = Record(session, round, RoundOutcomeKind.Completed, null, included, model.Version, now);
        return CommitAsync(session, round, record, model, ledger, last, new RoundOutcome(round.Number, model.Version, result.IncludedClients, privacy.Epsilon));
    }

    private async Task<RoundOutcome> CommitAsync(SessionRuntime session, RoundDriver round, RoundRecordData record, ModelVersionRecord model, LedgerEntryData ledger, bool last, RoundOutcome outcome)
    {
        await registry.CommitRoundAsync(record, model, ledger, last).ConfigureAwait(false);

        // Counted before the banks learn the outcome: the operator's report is out by the time the round's result is.
        await ReportCulpritsAsync(session, round).ConfigureAwait(false);
        lock (session.Gate)
        {
            SessionRegistry.Apply(session, model, last);
        }

        LogRoundCompleted(logger, session.Definition.SessionId, round.Number, record.Included.Count, round.ParticipantIds.Length, model.Version);
        return outcome;
    }

    /// <summary>Records an aborted round off the session's gate; the abort stands even if it cannot be recorded, since nothing was released.</summary>
    public async Task RecordAbortedAsync(SessionRuntime session, RoundDriver round, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(round);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        RoundRecordData record = Record(session, round, RoundOutcomeKind.Aborted, reason, [], null, now);
        try
        {
            await registry.CommitRoundAsync(record, null, null, false).ConfigureAwait(false);
            await ReportCulpritsAsync(session, round).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRecordFailed(logger, session.Definition.SessionId, round.Number, round.Round.Stage, ex);
        }
    }

    private static RoundRecordData Record(SessionRuntime session, RoundDriver round, RoundOutcomeKind outcome, string? reason, string[] included, long? modelVersion, long now) =>
        new(
            session.Definition.SessionId,
            round.Number,
            outcome,
            reason,
            round.ParticipantIds,
            included,
            [.. round.ParticipantIds.Except(included, StringComparer.Ordinal)],
            [.. round.Timings],
            modelVersion,
            round.StartedUnixMs,
            now,
            round.Round.Parameters.Threshold,
            round.Round.Parameters.Degree,
            [.. round.Round.Culprits.Select(c => new RoundCulpritData(round.ParticipantIds[c.Client - 1], c.Misbehaviour))]);

    /// <summary>Counts each culprit's proven violation and suspends a bank caught repeatedly (RoundOptions.SuspendAfterMisbehaviours).</summary>
    private async Task ReportCulpritsAsync(SessionRuntime session, RoundDriver round)
    {
        foreach (RoundCulprit culprit in round.Round.Culprits)
        {
            string clientId = round.ParticipantIds[culprit.Client - 1];
            // Dealing inconsistent but committed shares is never an accident (specs/protocol.md §2.9): suspended at once.
            int suspendAt = culprit.Misbehaviour == Misbehaviour.InconsistentSharing ? Math.Min(1, options.Value.SuspendAfterMisbehaviours) : options.Value.SuspendAfterMisbehaviours;
            EnrolledClient? counted = await store.RecordMisbehaviourAsync(clientId, suspendAt, CancellationToken.None).ConfigureAwait(false);
            (int count, bool suspended) = (counted?.MisbehaviourCount ?? 0, counted?.Suspended ?? false);
            LogCulprit(logger, session.Definition.SessionId, round.Number, clientId, culprit.Misbehaviour, count);
            if (suspended)
            {
                LogClientSuspended(logger, clientId, count);
            }
        }
    }
}
