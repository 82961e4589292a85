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
internal sealed partial class RoundReleaser(SessionRegistry registry, IFederationStore store, IOptions<RoundOptions> options, TimeProvider time, ILogger<RoundReleaser> logger, Observability.ServerMetrics? metrics = null)
{
    /// <summary>
    /// Turns a round's released cohort sums into the session's next model version and commits it: each sum is decoded
    /// with its own cohort's quantizer (whose headroom is sized for that cohort) and the decoded sums are added. Called under the session's gate: the
    /// checks and the new version are computed there, the commit runs off it (issue 12), and the session's in-memory
    /// state follows under the gate once the commit is durable.
    /// </summary>
    /// <exception cref="InvalidOperationException">The round was already released: a round commits once.</exception>
    public Task<RoundRelease> ReleaseAsync(SessionRuntime session, RoundMaster round, IReadOnlyList<CohortRelease> released)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(released);
        ArgumentOutOfRangeException.ThrowIfZero(released.Count);
        if (session.Model.RoundNumber >= round.Number)
        {
            throw new InvalidOperationException($"Round {round.Number} of session '{session.Definition.SessionId}' is already released (model version {session.Model.Version} came from round {session.Model.RoundNumber}).");
        }

        SessionDefinition definition = session.Definition;
        double[] decoded = new double[definition.ModelLength];
        double[] cohortSum = new double[definition.ModelLength];
        int contributors = 0;
        foreach ((RoundDriver cohort, AggregationResult result) in released)
        {
            UpdateEncoding.Quantizer(definition.Training, cohort.ParticipantIds.Length).Decode(result.Sum.Span, cohortSum);
            for (int i = 0; i < decoded.Length; i++)
            {
                decoded[i] += cohortSum[i];
            }

            contributors += result.IncludedClients.Count;
        }

        double[] weights = ModelUpdater.Apply([.. session.Model.Weights], decoded, contributors, definition.Training);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // The record states the weakest cohort's t, m and σ_client; ε is that after this round's reserved charge.
        RoundDriver smallest = released.Select(r => r.Cohort).MinBy(c => c.ParticipantIds.Length)!;
        int charge = round.Reservation?.Charge ?? throw new InvalidOperationException($"Round {round.Number} of session '{definition.SessionId}' released a sum without a budget reservation.");
        var privacy = PrivacyRecord.For(definition, smallest.ParticipantIds.Length, smallest.Round.Parameters.Threshold, session.CompletedRounds + 1, charge);
        string privacyJson = privacy.ToJson();
        var model = new ModelVersionRecord(definition.SessionId, session.Model.Version + 1, round.Number, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(weights), contributors, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        string[] included = [.. released.SelectMany(r => r.Aggregate.IncludedClients.Select(i => r.Cohort.ParticipantIds[i - 1]))];
        var ledger = new LedgerEntryData(definition.SessionId, round.Number, privacy.Epsilon, definition.Privacy.Delta, privacyJson, now);
        bool last = privacy.ReleasedRounds >= definition.TotalRounds;
        RoundRecordData record = Record(session, round, RoundOutcomeKind.Completed, null, included, model.Version, now);
        return CommitAsync(session, round, record, model, ledger, last, new RoundRelease(model.Version, privacy.Epsilon));
    }

    private async Task<RoundRelease> CommitAsync(SessionRuntime session, RoundMaster round, RoundRecordData record, ModelVersionRecord model, LedgerEntryData ledger, bool last, RoundRelease outcome)
    {
        await registry.CommitRoundAsync(record, model, ledger, last).ConfigureAwait(false);

        // Counted before the banks learn the outcome: the operator's report is out by the time the round's result is.
        await ReportCulpritsAsync(session, round).ConfigureAwait(false);
        lock (session.Gate)
        {
            SessionRegistry.Apply(session, model, last);
        }

        LogRoundCompleted(logger, session.Definition.SessionId, round.Number, record.Included.Count, record.Participants.Count, model.Version);
        metrics?.RoundEnded(session.Definition.SessionId, round, RoundOutcomeKind.Completed, outcome.EpsilonSpent);
        return outcome;
    }

    /// <summary>Records an aborted round off the session's gate; the abort stands even if it cannot be recorded, since nothing was released.</summary>
    public async Task RecordAbortedAsync(SessionRuntime session, RoundMaster round, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(round);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        RoundRecordData record = Record(session, round, RoundOutcomeKind.Aborted, reason, [], null, now);
        metrics?.RoundEnded(session.Definition.SessionId, round, RoundOutcomeKind.Aborted);
        try
        {
            await registry.CommitRoundAsync(record, null, null, false).ConfigureAwait(false);
            await ReportCulpritsAsync(session, round).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRecordFailed(logger, session.Definition.SessionId, round.Number, round.Cohorts.Min(c => c.Round.Stage), ex);
        }
    }

    // One record per round. Its t and k are the first cohort's; with several cohorts each stage's timing is named by its
    // cohort ("c1/MaskedInput").
    private static RoundRecordData Record(SessionRuntime session, RoundMaster round, RoundOutcomeKind outcome, string? reason, string[] included, long? modelVersion, long now)
    {
        string[] participants = [.. round.ParticipantIds];
        RoundDriver first = round.Cohorts[0];
        return new(
            session.Definition.SessionId,
            round.Number,
            outcome,
            reason,
            participants,
            included,
            [.. participants.Except(included, StringComparer.Ordinal)],
            [.. round.Cohorts.SelectMany(c => round.Cohorts.Count == 1 ? c.Timings : c.Timings.Select(t => t with { Stage = $"c{c.Cohort}/{t.Stage}" }))],
            modelVersion,
            round.Cohorts.Min(c => c.StartedUnixMs),
            now,
            first.Round.Parameters.Threshold,
            first.Round.Parameters.Degree,
            [.. round.Cohorts.SelectMany(c => c.Round.Culprits.Select(culprit => new RoundCulpritData(c.ParticipantIds[culprit.Client - 1], culprit.Misbehaviour)))]);
    }

    /// <summary>Counts each culprit's proven violation and suspends a bank caught repeatedly (RoundOptions.SuspendAfterMisbehaviours).</summary>
    private async Task ReportCulpritsAsync(SessionRuntime session, RoundMaster round)
    {
        foreach ((RoundDriver cohort, RoundCulprit culprit) in round.Cohorts.SelectMany(c => c.Round.Culprits.Select(culprit => (c, culprit))))
        {
            string clientId = cohort.ParticipantIds[culprit.Client - 1];
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
