using Microsoft.Extensions.Options;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Ends a round in the session's record: the released cohort sums are decoded into the next model version, with its
/// <see cref="PrivacyRecord"/>, and committed once with the round record and the ledger entry; an aborted round leaves
/// only its record. Either way, each culprit the round proved is counted against its bank.
/// </summary>
/// <remarks>
/// Works on a round's <see cref="FrontEndReport"/> (every cohort's sum and record parts), so the same code ends a round
/// whether its cohorts ran in one process or were reported by several front ends to the round's grain. Call off any gate.
/// </remarks>
internal sealed partial class RoundReleaser(SessionRegistry registry, IFederationStore store, IOptions<RoundOptions> options, TimeProvider time, ILogger<RoundReleaser> logger, Observability.ServerMetrics? metrics = null)
{
    /// <summary>
    /// Turns a round's released cohort sums into the session's next model version and commits it: each sum is decoded
    /// with its own cohort's quantizer (whose headroom is sized for that cohort) and the decoded sums are added.
    /// </summary>
    /// <param name="definition">The session.</param>
    /// <param name="baseModel">The model version the round trained from.</param>
    /// <param name="completedRounds">The rounds released before this one.</param>
    /// <param name="charge">The round's reserved charge against the budget (ε is that after it).</param>
    /// <param name="roundNumber">The round.</param>
    /// <param name="report">Every cohort's part of the round.</param>
    /// <returns>The committed model version, and whether it completed the session.</returns>
    /// <exception cref="InvalidOperationException">The round was already released, or nothing was: a round commits once.</exception>
    public async Task<(ModelVersionRecord Model, bool CompletesSession)> ReleaseAsync(SessionDefinition definition, ModelVersionRecord baseModel, int completedRounds, int charge, long roundNumber, FrontEndReport report)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(report);
        if (baseModel.RoundNumber >= roundNumber)
        {
            throw new InvalidOperationException($"Round {roundNumber} of session '{definition.SessionId}' is already released (model version {baseModel.Version} came from round {baseModel.RoundNumber}).");
        }

        if (report.Released.Length == 0 || charge < 1)
        {
            throw new InvalidOperationException($"Round {roundNumber} of session '{definition.SessionId}' has {(report.Released.Length == 0 ? "no released sum" : "no budget reservation")}: nothing may be committed.");
        }

        double[] decoded = new double[definition.ModelLength];
        double[] cohortSum = new double[definition.ModelLength];
        int contributors = 0;
        foreach (CohortSum cohort in report.Released)
        {
            UpdateEncoding.Quantizer(definition.Training, cohort.Participants).Decode(cohort.Sum, cohortSum);
            for (int i = 0; i < decoded.Length; i++)
            {
                decoded[i] += cohortSum[i];
            }

            contributors += cohort.Included.Length;
        }

        double[] weights = ModelUpdater.Apply([.. baseModel.Weights], decoded, contributors, definition.Training);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // The record states the weakest cohort's t, m and σ_client; ε is that after this round's reserved charge.
        CohortSum smallest = report.Released.MinBy(c => c.Participants)!;
        var privacy = PrivacyRecord.For(definition, smallest.Participants, smallest.Threshold, completedRounds + 1, charge);
        string privacyJson = privacy.ToJson();
        var model = new ModelVersionRecord(definition.SessionId, baseModel.Version + 1, roundNumber, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(weights), contributors, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        string[] included = [.. report.Released.SelectMany(c => c.Included)];
        var ledger = new LedgerEntryData(definition.SessionId, roundNumber, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        bool last = privacy.ReleasedRounds >= definition.TotalRounds;
        RoundRecordData record = Record(definition.SessionId, roundNumber, report, RoundOutcomeKind.Completed, null, included, model.Version, now);
        await registry.CommitRoundAsync(record, model, ledger, last).ConfigureAwait(false);

        // Counted before the banks learn the outcome: the operator's report is out by the time the round's result is.
        await ReportCulpritsAsync(definition.SessionId, roundNumber, report).ConfigureAwait(false);
        LogRoundCompleted(logger, definition.SessionId, roundNumber, record.Included.Count, record.Participants.Count, model.Version);
        metrics?.RoundEnded(definition.SessionId, RoundOutcomeKind.Completed, privacy.Epsilon);
        return (model, last);
    }

    /// <summary>Records an aborted round; the abort stands even if it cannot be recorded, since nothing was released.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="roundNumber">The round.</param>
    /// <param name="report">What is known of the round's cohorts.</param>
    /// <param name="reason">Why it aborted.</param>
    /// <returns>A task that completes when the record is written (or failed to be, which is logged).</returns>
    public async Task RecordAbortedAsync(string sessionId, long roundNumber, FrontEndReport report, string reason)
    {
        ArgumentNullException.ThrowIfNull(report);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        RoundRecordData record = Record(sessionId, roundNumber, report, RoundOutcomeKind.Aborted, reason, [], null, now);
        metrics?.RoundEnded(sessionId, RoundOutcomeKind.Aborted);
        try
        {
            await registry.CommitRoundAsync(record, null, null, false).ConfigureAwait(false);
            await ReportCulpritsAsync(sessionId, roundNumber, report).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRecordFailed(logger, sessionId, roundNumber, ex);
        }
    }

    private static RoundRecordData Record(string sessionId, long roundNumber, FrontEndReport report, RoundOutcomeKind outcome, string? reason, string[] included, long? modelVersion, long now) =>
        new(
            sessionId,
            roundNumber,
            outcome,
            reason,
            report.Participants,
            included,
            [.. report.Participants.Except(included, StringComparer.Ordinal)],
            [.. report.Stages.Select(s => new StageTimingData(s.Stage, s.Milliseconds, s.AliveAfter))],
            modelVersion,
            report.StartedUnixMs,
            now,
            report.Threshold,
            report.Degree,
            [.. report.Culprits.Select(c => new RoundCulpritData(c.ClientId, (Misbehaviour)c.Misbehaviour))]);

    /// <summary>Counts each culprit's proven violation and suspends a bank caught repeatedly (RoundOptions.SuspendAfterMisbehaviours).</summary>
    private async Task ReportCulpritsAsync(string sessionId, long roundNumber, FrontEndReport report)
    {
        foreach (ReportedCulprit culprit in report.Culprits)
        {
            var misbehaviour = (Misbehaviour)culprit.Misbehaviour;

            // Dealing inconsistent but committed shares is never an accident (specs/protocol.md §2.9): suspended at once.
            int suspendAt = misbehaviour == Misbehaviour.InconsistentSharing ? Math.Min(1, options.Value.SuspendAfterMisbehaviours) : options.Value.SuspendAfterMisbehaviours;
            EnrolledClient? counted = await store.RecordMisbehaviourAsync(culprit.ClientId, suspendAt, CancellationToken.None).ConfigureAwait(false);
            (int count, bool suspended) = (counted?.MisbehaviourCount ?? 0, counted?.Suspended ?? false);
            LogCulprit(logger, sessionId, roundNumber, culprit.ClientId, misbehaviour, count);
            if (suspended)
            {
                LogClientSuspended(logger, culprit.ClientId, count);
            }
        }
    }
}
