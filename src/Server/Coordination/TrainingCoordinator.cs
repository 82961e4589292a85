using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Runs training sessions: gathers waiting clients into rounds, drives every secure-aggregation stage with
/// deadlines (a client that misses one has dropped out), turns each decoded sum into the next model version
/// and records it. Free of ASP.NET types: the gRPC services only translate messages (DESIGN.md).
/// </summary>
/// <remarks>
/// One lock per session serialises its round; sessions run independently. Stage calls are long polls: a
/// client's submission is accepted at once and its call completes when the stage closes, with that client's
/// part of the server's next message.
/// </remarks>
internal sealed partial class TrainingCoordinator : IDisposable
{
    private readonly IFederationStore _store;
    private readonly RoundOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TrainingCoordinator> _logger;
    private readonly ConcurrentDictionary<string, SessionRuntime> _sessions = new(StringComparer.Ordinal);

    public TrainingCoordinator(IFederationStore store, IOptions<RoundOptions> options, TimeProvider time, ILogger<TrainingCoordinator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Loads a session's runtime state (from the store on first use).</summary>
    public SessionRuntime Session(string sessionId)
    {
        if (_sessions.TryGetValue(sessionId, out SessionRuntime? runtime))
        {
            return runtime;
        }

        StoredSession stored = _store.FindSession(sessionId) ?? throw new CoordinatorException(CoordinatorErrorKind.NotFound, $"Session '{sessionId}' does not exist.") { Reason = ErrorReasons.SessionNotFound };
        IReadOnlyList<RoundRecordData> rounds = _store.ListRounds(sessionId);
        IReadOnlyList<LedgerEntryData> ledger = _store.ListLedger(sessionId);
        var loaded = new SessionRuntime(
            stored.Definition,
            stored.State,
            _store.LatestModel(sessionId),
            rounds.Count(r => r.Outcome == RoundRecordData.Completed),
            rounds.Count == 0 ? 1 : rounds[^1].RoundNumber + 1,
            ledger.Count == 0 ? 0 : ledger[^1].EpsilonSpentTotal);
        return _sessions.GetOrAdd(sessionId, loaded);
    }

    /// <summary>Waits until a round that includes the client opens.</summary>
    public Task<RoundTicket> WaitForRoundAsync(string sessionId, string clientId, string schemaHash, CancellationToken cancellationToken)
    {
        SessionRuntime session = Session(sessionId);
        TaskCompletionSource<RoundTicket> waiter;
        lock (session.Gate)
        {
            if (!string.Equals(schemaHash, session.Definition.SchemaHash, StringComparison.Ordinal))
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"The data's schema hash '{schemaHash}' differs from session '{sessionId}''s schema '{session.Definition.SchemaName}' ({session.Definition.SchemaHash}).") { Reason = ErrorReasons.SchemaMismatch };
            }

            if (session.State == StoredSession.BudgetExhausted)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{sessionId}' has spent its privacy budget (ε = {session.EpsilonSpent:G4} of {session.Definition.Privacy.EpsilonBudget:G4}); no more rounds.") { Reason = ErrorReasons.BudgetExhausted };
            }

            if (session.State != StoredSession.Active)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{sessionId}' is {session.State.ToLowerInvariant()}: all {session.Definition.TotalRounds} rounds are done.") { Reason = ErrorReasons.SessionCompleted };
            }

            if (session.Round is { } current && current.IndexOf.TryGetValue(clientId, out int index) && current.Round.Stage == RoundStage.AdvertiseKeys)
            {
                return Task.FromResult(current.Tickets[index]);
            }

            if (session.Waiting.TryGetValue(clientId, out TaskCompletionSource<RoundTicket>? previous) && !previous.Task.IsCompleted)
            {
                // Refused rather than replacing the first: two waits of one bank would otherwise cancel each other
                // with an imprecise status. The first one's cancellation removes it, so a retry then succeeds.
                return Task.FromException<RoundTicket>(new CoordinatorException(CoordinatorErrorKind.AlreadyWaiting, $"Client '{clientId}' already has a WaitForRound call waiting in session '{sessionId}'; a bank waits once at a time.") { Reason = ErrorReasons.WaitAlreadyPending });
            }

            waiter = new TaskCompletionSource<RoundTicket>(TaskCreationOptions.RunContinuationsAsynchronously);
            session.Waiting[clientId] = waiter;
            TryOpenRound(session);
        }

        cancellationToken.Register(() =>
        {
            lock (session.Gate)
            {
                if (session.Waiting.TryGetValue(clientId, out TaskCompletionSource<RoundTicket>? mine) && mine == waiter)
                {
                    session.Waiting.Remove(clientId);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        });
        return waiter.Task;
    }

    public async Task<KeyDirectory> AdvertiseKeysAsync(string sessionId, long roundNumber, string clientId, AdvertisedKeys message, CancellationToken cancellationToken)
    {
        // The keys' curve checks cost two scalar multiplications; they run here, outside the session lock, so that n
        // callers do not queue behind each other's (issue 10, "Load").
        // A refusal is raised only once the round is found, as before, so an unknown round still answers FAILED_PRECONDITION.
        CheckedAdvertisement? checkedKeys = null;
        SecAggProtocolException? keyRefusal = null;
        try
        {
            checkedKeys = AggregationRound.CheckRoundKeys(message);
        }
        catch (SecAggProtocolException ex)
        {
            keyRefusal = ex;
        }

        (RoundRuntime round, int index) = Submit(sessionId, roundNumber, clientId, RoundStage.AdvertiseKeys, (r, i) => r.AcceptAdvertiseKeys(checkedKeys?.WithSender(i) ?? throw keyRefusal!));
        var directories = (IReadOnlyDictionary<int, KeyDirectory>)await round.ResultOf(RoundStage.AdvertiseKeys).WaitAsync(cancellationToken).ConfigureAwait(false);
        return directories.TryGetValue(index, out KeyDirectory? directory) ? directory : throw Dropped(clientId, "it has fewer live neighbours than the threshold");
    }

    public async Task<ShareDelivery> ShareKeysAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<EncryptedShare> shares, CancellationToken cancellationToken)
    {
        (RoundRuntime round, int index) = Submit(sessionId, roundNumber, clientId, RoundStage.ShareKeys, (r, i) => r.AcceptShareKeys(new ShareKeys(i, shares)));
        var deliveries = (IReadOnlyDictionary<int, ShareDelivery>)await round.ResultOf(RoundStage.ShareKeys).WaitAsync(cancellationToken).ConfigureAwait(false);
        return deliveries.TryGetValue(index, out ShareDelivery? delivery) ? delivery : throw Dropped(clientId, "it has fewer live neighbours than the threshold");
    }

    public async Task<SurvivorList> SubmitMaskedInputAsync(string sessionId, long roundNumber, string clientId, uint[] vector, IReadOnlyList<ShareComplaint> complaints, CancellationToken cancellationToken)
    {
        (RoundRuntime round, int index) = Submit(sessionId, roundNumber, clientId, RoundStage.MaskedInput, (r, i) => r.AcceptMaskedInput(new MaskedInput(i, vector, complaints)));
        var survivors = (SurvivorList)await round.ResultOf(RoundStage.MaskedInput).WaitAsync(cancellationToken).ConfigureAwait(false);
        return survivors.Survivors.Contains(index) ? survivors : throw Dropped(clientId, "its masked input missed the deadline");
    }

    public async Task<ConsistencyProof> SignSurvivorsAsync(string sessionId, long roundNumber, string clientId, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken)
    {
        (RoundRuntime round, _) = Submit(sessionId, roundNumber, clientId, RoundStage.ConsistencyCheck, (r, i) => r.AcceptConsistencySignature(new ConsistencySignature(i, signature)));
        return (ConsistencyProof)await round.ResultOf(RoundStage.ConsistencyCheck).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UnmaskReply> UnmaskAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<RevealedShare> shares, IReadOnlyList<RevealedPairPoint> pairPoints, CancellationToken cancellationToken)
    {
        (RoundRuntime round, int index) = Submit(sessionId, roundNumber, clientId, RoundStage.Unmask, (r, i) => r.AcceptUnmask(new UnmaskShares(i, shares, pairPoints)));
        var reply = (UnmaskReply)await round.ResultOf(RoundStage.Unmask).WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply.Expulsion is { } expulsion && expulsion.Culprits.Any(c => c.Culprit == index)
            ? throw Dropped(clientId, "it dealt shares of its self-mask seed that reconstruct no seed matching its commitment, and its masked input was taken out of the sum")
            : reply;
    }

    /// <summary>Stage 5 (specs/protocol.md §2.9): accepts the caller's pair points with the expelled culprits and returns the round's outcome.</summary>
    public async Task<RoundOutcome> ExpelAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<RevealedPairPoint> pairPoints, CancellationToken cancellationToken)
    {
        (RoundRuntime round, _) = Submit(sessionId, roundNumber, clientId, RoundStage.Expel, (r, i) => r.AcceptExpel(new ExpulsionPairPoints(i, pairPoints)));
        return (RoundOutcome)await round.ResultOf(RoundStage.Expel).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the current stage of a session's round now, as its deadline would (for tests and operators).</summary>
    public void CloseStageNow(string sessionId)
    {
        SessionRuntime session = Session(sessionId);
        lock (session.Gate)
        {
            if (session.Round is { } round)
            {
                CloseStage(session, round);
            }
        }
    }

    public void Dispose()
    {
        foreach (SessionRuntime session in _sessions.Values)
        {
            lock (session.Gate)
            {
                session.GatherTimer?.Dispose();
                session.Round?.DeadlineTimer?.Dispose();
            }
        }
    }

    private (RoundRuntime Round, int Index) Submit(string sessionId, long roundNumber, string clientId, RoundStage stage, Action<AggregationRound, int> accept)
    {
        SessionRuntime session = Session(sessionId);
        lock (session.Gate)
        {
            RoundRuntime round = session.Round is { } current && current.Number == roundNumber
                ? current
                : throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {roundNumber} of session '{sessionId}' is not in progress.") { Reason = ErrorReasons.RoundNotInProgress };
            if (!round.IndexOf.TryGetValue(clientId, out int index))
            {
                throw new CoordinatorException(CoordinatorErrorKind.PermissionDenied, $"Client '{clientId}' is not a participant of round {roundNumber}.") { Reason = ErrorReasons.NotRoundParticipant };
            }

            try
            {
                accept(round.Round, index);
            }
            catch (SecAggProtocolException ex)
            {
                LogMessageRejected(_logger, sessionId, roundNumber, clientId, stage, ex.Violation);
                throw;
            }

            if (round.Round.IsStageComplete)
            {
                CloseStage(session, round);
            }

            return (round, index);
        }
    }

    private void TryOpenRound(SessionRuntime session)
    {
        if (session.Round is not null || session.State != StoredSession.Active)
        {
            return;
        }

        int minimum = Math.Max(_options.MinimumClients, session.Definition.MinimumClients);
        if (session.Waiting.Count < minimum)
        {
            return;
        }

        if (session.Waiting.Count >= session.Definition.MaximumClients || _options.GatherWindow <= TimeSpan.Zero)
        {
            OpenRound(session);
            return;
        }

        session.GatherTimer ??= _time.CreateTimer(
            _ =>
            {
                lock (session.Gate)
                {
                    session.GatherTimer?.Dispose();
                    session.GatherTimer = null;
                    if (session.Round is null && session.Waiting.Count >= minimum)
                    {
                        OpenRound(session);
                    }
                }
            },
            null,
            _options.GatherWindow,
            Timeout.InfiniteTimeSpan);
    }

    private void OpenRound(SessionRuntime session)
    {
        session.GatherTimer?.Dispose();
        session.GatherTimer = null;
        SessionDefinition definition = session.Definition;
        double epsilonAfter = PrivacyPlan.EpsilonAfter(definition, session.CompletedRounds + 1);
        if (definition.Privacy.Mode != DpModeKind.None && epsilonAfter > definition.Privacy.EpsilonBudget * (1 + 1e-9))
        {
            // The server refuses a round whose release would overspend the session's budget.
            session.State = StoredSession.BudgetExhausted;
            _store.SetSessionState(definition.SessionId, StoredSession.BudgetExhausted);
            var exhausted = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{definition.SessionId}' has spent its privacy budget: after {session.CompletedRounds} rounds ε = {session.EpsilonSpent:G4}, and another round would reach ε = {epsilonAfter:G4} > {definition.Privacy.EpsilonBudget:G4}; no more rounds.") { Reason = ErrorReasons.BudgetExhausted };
            foreach (TaskCompletionSource<RoundTicket> waiter in session.Waiting.Values)
            {
                waiter.TrySetException(exhausted);
            }

            session.Waiting.Clear();
            LogBudgetExhausted(_logger, definition.SessionId, session.CompletedRounds, epsilonAfter, definition.Privacy.EpsilonBudget);
            return;
        }

        string[] participants = [.. session.Waiting.Keys.Order(StringComparer.Ordinal).Take(definition.MaximumClients)];
        long number = session.NextRoundNumber++;
        byte[] graphSeed = RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize);
        SecAggParameters parameters;
        var identityKeys = new Dictionary<int, ReadOnlyMemory<byte>>();
        try
        {
            parameters = CreateParameters(definition, participants.Length, new RoundIdentity(definition.SessionId, number, graphSeed));
            PrivacyPlan.RequireAccountableClientSigma(definition, participants.Length, parameters.Threshold);
            for (int i = 0; i < participants.Length; i++)
            {
                EnrolledClient client = _store.FindClient(participants[i]) is { Revoked: false } enrolled
                    ? enrolled
                    : throw new CoordinatorException(CoordinatorErrorKind.PermissionDenied, $"Client '{participants[i]}' is no longer enrolled.");
                identityKeys[i + 1] = client.IdentityPublicKey;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CoordinatorException)
        {
            // The round cannot be formed; tell the waiting clients why rather than leave them hanging.
            var refusal = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {number} of session '{definition.SessionId}' cannot open with {participants.Length} clients: {ex.Message}") { Reason = ErrorReasons.RoundNotFormed };
            foreach (string id in participants)
            {
                session.Waiting[id].TrySetException(refusal);
                session.Waiting.Remove(id);
            }

            return;
        }

        var round = new AggregationRound(parameters, parameters.Mode == SecAggMode.Active ? identityKeys : null);
        var participantList = participants.Select((id, i) => (i + 1, id, identityKeys[i + 1].ToArray())).ToList();
        var tickets = new Dictionary<int, RoundTicket>();
        TimeSpan stageDeadline = _options.StageDeadlineFor(participants.Length);
        for (int i = 0; i < participants.Length; i++)
        {
            tickets[i + 1] = new RoundTicket(definition, number, graphSeed, i + 1, participantList, parameters, session.Model, stageDeadline, epsilonAfter, PrivacyPlan.ClientSigma(definition, participants.Length, parameters.Threshold));
        }

        var runtime = new RoundRuntime(number, round, participants, tickets, _time.GetTimestamp(), _time.GetUtcNow().ToUnixTimeMilliseconds()) { StageDeadline = stageDeadline };
        session.Round = runtime;
        foreach (string id in participants)
        {
            session.Waiting[id].TrySetResult(tickets[runtime.IndexOf[id]]);
            session.Waiting.Remove(id);
        }

        LogRoundOpened(_logger, definition.SessionId, number, participants.Length, parameters.Threshold, parameters.Degree);
        ArmDeadline(session, runtime);
    }

    /// <summary>The round parameters a session's settings give for n clients: the shared derivation every client re-runs (specs/protocol.md §2.3).</summary>
    internal static SecAggParameters CreateParameters(SessionDefinition definition, int clients, RoundIdentity identity) =>
        PrivacyPlan.ForRound(definition, clients, identity).Parameters;

    private void ArmDeadline(SessionRuntime session, RoundRuntime round)
    {
        round.DeadlineTimer?.Dispose();
        int generation = round.Generation;
        round.DeadlineTimer = _time.CreateTimer(
            _ =>
            {
                lock (session.Gate)
                {
                    if (session.Round == round && round.Generation == generation)
                    {
                        LogDeadlinePassed(_logger, session.Definition.SessionId, round.Number, round.Round.Stage, round.Round.ReceivedClients.Count, round.Round.AliveClients.Count);
                        CloseStage(session, round);
                    }
                }
            },
            null,
            round.StageDeadline,
            Timeout.InfiniteTimeSpan);
    }

    private void CloseStage(SessionRuntime session, RoundRuntime round)
    {
        AggregationRound aggregation = round.Round;
        RoundStage stage = aggregation.Stage;
        round.Generation++;
        round.DeadlineTimer?.Dispose();
        try
        {
            object result = stage switch
            {
                RoundStage.AdvertiseKeys => aggregation.CloseAdvertiseKeys(),
                RoundStage.ShareKeys => aggregation.CloseShareKeys(),
                RoundStage.MaskedInput => RequireMinimumSurvivors(session, round, aggregation.CloseMaskedInput()),
                RoundStage.ConsistencyCheck => aggregation.CloseConsistencyCheck(),
                RoundStage.Unmask => aggregation.CloseUnmask() is { } sum
                    ? new UnmaskReply(Finish(session, round, sum, stage), null)
                    : new UnmaskReply(null, aggregation.Expulsion),
                RoundStage.Expel => Finish(session, round, aggregation.CloseExpel(), stage),
                _ => throw new InvalidOperationException($"Round {round.Number} has no open stage ({stage})."),
            };
            if (aggregation.Stage < RoundStage.Completed)
            {
                RecordTiming(round, stage, aggregation.AliveClients.Count);
            }

            round.Complete(stage, result);
            if (aggregation.Stage < RoundStage.Completed)
            {
                round.StageOpenedTimestamp = _time.GetTimestamp();
                ArmDeadline(session, round);
            }
        }
        catch (RoundAbortedException ex)
        {
            RecordTiming(round, stage, 0);
            Abort(session, round, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever failed (inconsistent shares, a key that defeats agreement, the store), the round must end:
            // erase its state, release the waiting clients and let the session open the next one.
            RecordTiming(round, stage, 0);
            aggregation.Abort("internal failure");
            string reason = ex is Crypto.Primitives.SecretSharingException ? ex.Message : $"the {stage} stage could not be closed ({ex.GetType().Name}).";
            LogStageFailed(_logger, session.Definition.SessionId, round.Number, stage, ex);
            Abort(session, round, reason);
        }
    }

    /// <summary>A DP round releases nothing from fewer than m survivors: their noise would fall short of (σΔ)².</summary>
    private static SurvivorList RequireMinimumSurvivors(SessionRuntime session, RoundRuntime round, SurvivorList survivors)
    {
        int minimum = session.Definition.Privacy.Mode == DpModeKind.None ? 0 : PrivacyPlan.MinimumSurvivors(session.Definition, round.ParticipantIds.Length, round.Round.Parameters.Threshold);
        if (survivors.Survivors.Count < minimum)
        {
            round.Round.Abort("too few survivors for the noise");
            throw new RoundAbortedException(RoundStage.MaskedInput, $"After MaskedInput {survivors.Survivors.Count} clients survive; a differentially private round needs at least m = {minimum} (the noise is sized for m).");
        }

        return survivors;
    }

    private RoundOutcome Finish(SessionRuntime session, RoundRuntime round, AggregationResult result, RoundStage stage)
    {
        RecordTiming(round, stage, result.IncludedClients.Count);
        SessionDefinition definition = session.Definition;
        int minimum = definition.Privacy.Mode == DpModeKind.None ? 0 : PrivacyPlan.MinimumSurvivors(definition, round.ParticipantIds.Length, round.Round.Parameters.Threshold);
        if (result.IncludedClients.Count < minimum)
        {
            // Expelled culprits left fewer inputs than the noise was sized for: the sum is not released.
            throw new RoundAbortedException(stage, $"After {stage} {result.IncludedClients.Count} clients remain in the sum once the culprits are expelled; a differentially private round needs at least m = {minimum} (the noise is sized for m).");
        }

        double[] decoded = new double[definition.ModelLength];
        UpdateEncoding.Quantizer(definition.Training, round.ParticipantIds.Length).Decode(result.Sum.Span, decoded);
        double[] weights = ModelUpdater.Apply(session.Model.Weights, decoded, result.IncludedClients.Count, definition.Training);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        double epsilon = PrivacyPlan.EpsilonAfter(definition, session.CompletedRounds + 1);
        int threshold = round.Round.Parameters.Threshold;
        string privacyJson = JsonSerializer.Serialize(new
        {
            mode = definition.Privacy.Mode.ToString(),
            epsilon,
            delta = definition.Privacy.Delta,
            epsilonBudget = definition.Privacy.EpsilonBudget,
            noiseMultiplier = definition.Privacy.NoiseMultiplier,
            samplingRate = PrivacyPlan.SamplingRate(definition),
            releasedRounds = session.CompletedRounds + 1,
            clipNorm = definition.Training.ClipNorm,
            quantizationScale = definition.Training.QuantizationScale,
            sensitivity = PrivacyPlan.Sensitivity(definition),
            threshold,
            minimumSurvivors = PrivacyPlan.MinimumSurvivors(definition, round.ParticipantIds.Length, threshold),
            clientNoiseSigma = PrivacyPlan.ClientSigma(definition, round.ParticipantIds.Length, threshold),
            discretenessTau = PrivacyPlan.Discreteness(definition).Tau,
            accountant = Crypto.Privacy.DdgAccountant.Name,
        });
        session.EpsilonSpent = epsilon;
        var model = new ModelVersionRecord(definition.SessionId, session.Model.Version + 1, round.Number, weights, result.IncludedClients.Count, epsilon, definition.Privacy.Delta, privacyJson, now);
        string[] included = [.. result.IncludedClients.Select(i => round.ParticipantIds[i - 1])];
        RoundRecordData record = Record(session, round, RoundRecordData.Completed, null, included, model.Version, now);
        var ledger = new LedgerEntryData(definition.SessionId, round.Number, session.EpsilonSpent, definition.Privacy.Delta, privacyJson, now);
        bool last = session.CompletedRounds + 1 >= definition.TotalRounds;
        _store.CommitRound(record, model, ledger, last ? StoredSession.Completed : null);
        ReportCulprits(session, round);

        session.Model = model;
        session.CompletedRounds++;
        session.Round = null;
        if (last)
        {
            session.State = StoredSession.Completed;
            var done = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{definition.SessionId}' has completed all {definition.TotalRounds} rounds.") { Reason = ErrorReasons.SessionCompleted };
            foreach (TaskCompletionSource<RoundTicket> waiter in session.Waiting.Values)
            {
                waiter.TrySetException(done);
            }

            session.Waiting.Clear();
        }

        LogRoundCompleted(_logger, definition.SessionId, round.Number, included.Length, round.ParticipantIds.Length, model.Version);
        TryOpenRound(session);
        return new RoundOutcome(round.Number, model.Version, result.IncludedClients, session.EpsilonSpent);
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, EventName = "PrivacyBudgetExhausted", Message = "Session {SessionId} stops after {Rounds} rounds: the next would reach ε = {Epsilon} > budget {Budget}.")]
    private static partial void LogBudgetExhausted(ILogger logger, string sessionId, int rounds, double epsilon, double budget);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, EventName = "StageCloseFailed", Message = "Session {SessionId} round {RoundNumber}: closing {Stage} failed; the round is aborted.")]
    private static partial void LogStageFailed(ILogger logger, string sessionId, long roundNumber, RoundStage stage, Exception exception);

    private void Abort(SessionRuntime session, RoundRuntime round, string reason)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        session.Round = null;
        try
        {
            _store.CommitRound(Record(session, round, RoundRecordData.Aborted, reason, [], null, now), null, null, null);
            ReportCulprits(session, round);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The abort stands even if it cannot be recorded: nothing was released.
            LogStageFailed(_logger, session.Definition.SessionId, round.Number, round.Round.Stage, ex);
        }

        round.DeadlineTimer?.Dispose();
        round.FailRemaining(new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {round.Number} of session '{session.Definition.SessionId}' was aborted: {reason} The model stays at version {session.Model.Version}.") { Reason = ErrorReasons.RoundAborted });
        LogRoundAborted(_logger, session.Definition.SessionId, round.Number, reason);
        TryOpenRound(session);
    }

    private static RoundRecordData Record(SessionRuntime session, RoundRuntime round, string outcome, string? reason, string[] included, long? modelVersion, long now) =>
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
    private void ReportCulprits(SessionRuntime session, RoundRuntime round)
    {
        foreach (RoundCulprit culprit in round.Round.Culprits)
        {
            string clientId = round.ParticipantIds[culprit.Client - 1];
            // Dealing inconsistent but committed shares is never an accident (specs/protocol.md §2.9): suspended at once.
            int suspendAt = culprit.Misbehaviour == Misbehaviour.InconsistentSharing ? Math.Min(1, _options.SuspendAfterMisbehaviours) : _options.SuspendAfterMisbehaviours;
            (int count, bool suspended) = _store.RecordMisbehaviour(clientId, suspendAt);
            LogCulprit(_logger, session.Definition.SessionId, round.Number, clientId, culprit.Misbehaviour, count);
            if (suspended)
            {
                LogClientSuspended(_logger, clientId, count);
            }
        }
    }

    private void RecordTiming(RoundRuntime round, RoundStage stage, int aliveAfter) =>
        round.Timings.Add(new StageTimingData(stage.ToString(), _time.GetElapsedTime(round.StageOpenedTimestamp).TotalMilliseconds, aliveAfter));

    private static CoordinatorException Dropped(string clientId, string why) =>
        new(CoordinatorErrorKind.FailedPrecondition, $"Client '{clientId}' was dropped from the round: {why}.") { Reason = ErrorReasons.DroppedFromRound };
}
