using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Runs training sessions by handing each call to the piece that owns it: the <see cref="SessionRegistry"/> (sessions),
/// a <see cref="RoundLobby"/> per session (waiting banks, gather window), the <see cref="RoundOpener"/> (budget,
/// parameters, tickets), a <see cref="RoundDriver"/> per round (stages, deadlines) and the <see cref="RoundReleaser"/>
/// (model update, privacy record, commit). Free of ASP.NET types: the gRPC services only translate messages (DESIGN.md).
/// </summary>
/// <remarks>
/// One lock per session serialises its round; sessions run independently. Stage calls are long polls: a
/// client's submission is accepted at once and its call completes when the stage closes, with that client's
/// part of the server's next message.
/// </remarks>
internal sealed partial class TrainingCoordinator : IDisposable
{
    private readonly SessionRegistry _registry;
    private readonly RoundOpener _opener;
    private readonly IRoundCoordination _coordination;
    private readonly string _frontEnd;
    private readonly RoundOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TrainingCoordinator> _logger;
    private readonly ILogger<RoundDriver> _driverLogger;
    private readonly Observability.ServerMetrics? _metrics;
    private readonly ConcurrentDictionary<string, RoundLobby> _lobbies = new(StringComparer.Ordinal);

    public TrainingCoordinator(SessionRegistry registry, RoundOpener opener, IRoundCoordination coordination, IOptions<RoundOptions> options, TimeProvider time, ILogger<TrainingCoordinator> logger, ILogger<RoundDriver> driverLogger, Observability.ServerMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _opener = opener;
        _coordination = coordination;
        _frontEnd = coordination.FrontEnd;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _driverLogger = driverLogger;
        _metrics = metrics;
    }

    /// <summary>Loads a session's runtime state (from the store on first use).</summary>
    public Task<SessionRuntime> SessionAsync(string sessionId, CancellationToken cancellationToken) => _registry.GetAsync(sessionId, cancellationToken);

    /// <summary>Waits until a round that includes the client opens.</summary>
    public async Task<RoundTicket> WaitForRoundAsync(string sessionId, string clientId, string schemaHash, CancellationToken cancellationToken)
    {
        SessionRuntime session = await SessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        RoundLobby lobby = Lobby(session);
        Task<RoundTicket> wait;
        TaskCompletionSource<RoundTicket>? waiter;
        lock (session.Gate)
        {
            if (!string.Equals(schemaHash, session.Definition.SchemaHash, StringComparison.Ordinal))
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"The data's schema hash '{schemaHash}' differs from session '{sessionId}''s schema '{session.Definition.SchemaName}' ({session.Definition.SchemaHash}).") { Reason = ErrorReasons.SchemaMismatch };
            }

            if (session.State == SessionState.BudgetExhausted)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{sessionId}' has spent its privacy budget (ε = {session.EpsilonSpent:G4} of {session.Definition.Privacy.EpsilonBudget:G4}); no more rounds.") { Reason = ErrorReasons.BudgetExhausted };
            }

            if (session.State != SessionState.Active)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{sessionId}' is {session.State.ToString().ToLowerInvariant()}: all {session.Definition.TotalRounds} rounds are done.") { Reason = ErrorReasons.SessionCompleted };
            }

            if (session.Round?.CohortOf(clientId) is { } cohort && cohort.Round.Stage == RoundStage.AdvertiseKeys)
            {
                return cohort.Tickets[cohort.IndexOf[clientId]];
            }

            wait = lobby.Enter(clientId, out waiter);
        }

        if (waiter is not null)
        {
            lobby.Watch(clientId, waiter, cancellationToken);
        }

        return await wait.ConfigureAwait(false);
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

        (RoundDriver round, int index) = await SubmitAsync(sessionId, roundNumber, clientId, RoundStage.AdvertiseKeys, (r, i) => r.AcceptAdvertiseKeys(checkedKeys?.WithSender(i) ?? throw keyRefusal!), cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<int, KeyDirectory> directories = await round.KeyDirectories.WaitAsync(cancellationToken).ConfigureAwait(false);
        return directories.TryGetValue(index, out KeyDirectory? directory) ? directory : throw Dropped(clientId, "it has fewer live neighbours than the threshold");
    }

    public async Task<ShareDelivery> ShareKeysAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<EncryptedShare> shares, CancellationToken cancellationToken)
    {
        (RoundDriver round, int index) = await SubmitAsync(sessionId, roundNumber, clientId, RoundStage.ShareKeys, (r, i) => r.AcceptShareKeys(new ShareKeys(i, shares)), cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = await round.ShareDeliveries.WaitAsync(cancellationToken).ConfigureAwait(false);
        return deliveries.TryGetValue(index, out ShareDelivery? delivery) ? delivery : throw Dropped(clientId, "it has fewer live neighbours than the threshold");
    }

    public Task<SurvivorList> SubmitMaskedInputAsync(string sessionId, long roundNumber, string clientId, uint[] vector, IReadOnlyList<ShareComplaint> complaints, CancellationToken cancellationToken)
    {
        // Not async: the round keeps its own copy of the vector, and the caller's must not stay reachable from the long
        // poll that follows (an async method's state machine holds its parameters until it returns). Held, it doubled the
        // masked inputs' memory for the whole MaskedInput stage: 4·d bytes more per bank, 4 GB at 10,000 banks and
        // d = 10^5 (scale-out benchmark, docs/scale-out.md).
        Task<(RoundDriver Round, int Index)> accepted = SubmitAsync(sessionId, roundNumber, clientId, RoundStage.MaskedInput, (r, i) => r.AcceptMaskedInput(new MaskedInput(i, vector, complaints)), cancellationToken);
        return SurvivorsAsync(accepted, clientId, cancellationToken);
    }

    private static async Task<SurvivorList> SurvivorsAsync(Task<(RoundDriver Round, int Index)> accepted, string clientId, CancellationToken cancellationToken)
    {
        (RoundDriver round, int index) = await accepted.ConfigureAwait(false);
        SurvivorList survivors = await round.Survivors.WaitAsync(cancellationToken).ConfigureAwait(false);
        return survivors.Survivors.Contains(index) ? survivors : throw Dropped(clientId, "its masked input missed the deadline");
    }

    public async Task<ConsistencyProof> SignSurvivorsAsync(string sessionId, long roundNumber, string clientId, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken)
    {
        (RoundDriver round, _) = await SubmitAsync(sessionId, roundNumber, clientId, RoundStage.ConsistencyCheck, (r, i) => r.AcceptConsistencySignature(new ConsistencySignature(i, signature)), cancellationToken).ConfigureAwait(false);
        return await round.Proof.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UnmaskReply> UnmaskAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<RevealedShare> shares, IReadOnlyList<RevealedPairPoint> pairPoints, CancellationToken cancellationToken)
    {
        (RoundDriver round, int index) = await SubmitAsync(sessionId, roundNumber, clientId, RoundStage.Unmask, (r, i) => r.AcceptUnmask(new UnmaskShares(i, shares, pairPoints)), cancellationToken).ConfigureAwait(false);
        UnmaskReply reply = await round.UnmaskResult.WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply.Expulsion is { } expulsion && expulsion.Culprits.Any(c => c.Culprit == index)
            ? throw Dropped(clientId, "it dealt shares of its self-mask seed that reconstruct no seed matching its commitment, and its masked input was taken out of the sum")
            : reply;
    }

    /// <summary>Stage 5 (specs/protocol.md §2.9): accepts the caller's pair points with the expelled culprits and returns the round's outcome.</summary>
    public async Task<RoundOutcome> ExpelAsync(string sessionId, long roundNumber, string clientId, IReadOnlyList<RevealedPairPoint> pairPoints, CancellationToken cancellationToken)
    {
        (RoundDriver round, _) = await SubmitAsync(sessionId, roundNumber, clientId, RoundStage.Expel, (r, i) => r.AcceptExpel(new ExpulsionPairPoints(i, pairPoints)), cancellationToken).ConfigureAwait(false);
        return await round.ExpelResult.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the current stage of a session's round now, as its deadline would (for tests and operators).</summary>
    public async Task CloseStageNowAsync(string sessionId, CancellationToken cancellationToken)
    {
        SessionRuntime session = await SessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        lock (session.Gate)
        {
            session.Round?.CloseStages();
        }
    }

    public void Dispose()
    {
        foreach (SessionRuntime session in _registry.Loaded)
        {
            lock (session.Gate)
            {
                if (_lobbies.TryGetValue(session.Definition.SessionId, out RoundLobby? lobby))
                {
                    lobby.Dispose();
                }

                session.Round?.Dispose();
            }
        }
    }

    private async Task<(RoundDriver Round, int Index)> SubmitAsync(string sessionId, long roundNumber, string clientId, RoundStage stage, Action<AggregationRound, int> accept, CancellationToken cancellationToken)
    {
        SessionRuntime session = await SessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        lock (session.Gate)
        {
            // A finished round stays current while its release is committed (off the gate); it takes no more calls. A bank's
            // calls go to its own cohort; a cohort that ended takes none, whatever the others do.
            if (session.Round is not { } current || current.Number != roundNumber)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {roundNumber} of session '{sessionId}' is not in progress.") { Reason = ErrorReasons.RoundNotInProgress };
            }

            RoundDriver round = current.CohortOf(clientId) ?? current.Cohorts[0];
            if (round.Round.Stage >= RoundStage.Completed)
            {
                throw new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Round {roundNumber} of session '{sessionId}' is not in progress.") { Reason = ErrorReasons.RoundNotInProgress };
            }

            return (round, round.Accept(clientId, stage, accept));
        }
    }

    private RoundLobby Lobby(SessionRuntime session) =>
        _lobbies.GetOrAdd(session.Definition.SessionId, _ => new RoundLobby(session.Definition, session.Gate, _time, _options, () => session.Round is null && !session.Opening && session.State == SessionState.Active, () => OpenRound(session), () => _coordination.CohortsToForm(session.Definition)));

    // Under the gate: the opener chooses the banks now and settles the round once their keys are read off the gate.
    private void OpenRound(SessionRuntime session)
    {
        RoundLobby lobby = Lobby(session);
        _ = _opener.OpenAsync(session, lobby, (slot, cohorts) => StartRound(session, lobby, slot, cohorts));
    }

    // Under the gate, as the opener settles the round: its banks are all still waiting.
    private void StartRound(SessionRuntime session, RoundLobby lobby, RoundSlot slot, IReadOnlyList<RoundSetup> cohorts)
    {
        var round = new RoundMaster(
            cohorts,
            session.Gate,
            (setup, release, aborted, beforeUnmask) => new RoundDriver(setup, session.Gate, _time, _driverLogger, release, aborted, beforeUnmask),
            master => ReserveAsync(session, slot, master.Cohorts.Count),
            (master, released, reasons) => Released(session, slot, master, released, reasons),
            (master, reason) => Aborted(session, master, reason));
        session.Round = round;
        foreach (RoundSetup setup in cohorts)
        {
            foreach ((int index, RoundTicket ticket) in setup.Tickets)
            {
                lobby.Admit(setup.ParticipantIds[index - 1], ticket);
            }

            LogRoundOpened(_logger, setup.SessionId, setup.Number, setup.Cohort, setup.ParticipantIds.Length, setup.Round.Parameters.Threshold, setup.Round.Parameters.Degree);
        }

        round.Start();
    }

    /// <summary>The round parameters a session's settings give for n clients: the shared derivation every client re-runs (specs/protocol.md §2.3).</summary>
    internal static SecAggParameters CreateParameters(SessionDefinition definition, int clients, RoundIdentity identity) =>
        PrivacyPlan.ForRound(definition, clients, identity).Parameters;

    /// <summary>
    /// Commits the release (off the gate) and only then ends the round: until the commit is durable the round stays
    /// current, so no next round opens on the previous model.
    /// </summary>
    // Off the gate: the round's owner reserves once, whoever asks first.
    private async Task<int> ReserveAsync(SessionRuntime session, RoundSlot slot, int cohorts)
    {
        int charge = await _coordination.ReserveBudgetAsync(session, slot, cohorts).ConfigureAwait(false);
        return charge > 0 ? charge : throw new RoundAbortedException(RoundStage.MaskedInput, $"The session's privacy budget (ε = {session.Definition.Privacy.EpsilonBudget:G4}) pays for no further round; the sum is not unmasked.");
    }

    private async Task<RoundRelease> Released(SessionRuntime session, RoundSlot slot, RoundMaster round, IReadOnlyList<CohortRelease> released, IReadOnlyList<string> reasons)
    {
        FrontEndReport report;
        lock (session.Gate)
        {
            report = round.Report(_frontEnd, released, reasons);
            _metrics?.CohortsEnded(session.Definition.SessionId, round);
        }

        // Task.Run: the owner may commit to the store before its task is returned, and this runs under the gate.
        RoundRelease outcome = await Task.Run(() => _coordination.EndAsync(session, slot, report)).ConfigureAwait(false);
        lock (session.Gate)
        {
            session.Round = null;
            if (session.State == SessionState.Completed)
            {
                var done = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, $"Session '{session.Definition.SessionId}' has completed all {session.Definition.TotalRounds} rounds.") { Reason = ErrorReasons.SessionCompleted };
                Lobby(session).RefuseAll(done);
            }

            Lobby(session).TryOpen();
        }

        return outcome;
    }

    // Under the gate: the round's owner has recorded the abort, so the record is there when the banks learn of it.
    private void Aborted(SessionRuntime session, RoundMaster round, string reason)
    {
        session.Round = null;
        var aborted = new CoordinatorException(CoordinatorErrorKind.Aborted, $"Round {round.Number} of session '{session.Definition.SessionId}' was aborted: {reason} The model stays at version {session.Model.Version}.") { Reason = ErrorReasons.RoundAborted };
        LogRoundAborted(_logger, session.Definition.SessionId, round.Number, reason);
        _metrics?.CohortsEnded(session.Definition.SessionId, round);
        round.FailRemaining(aborted);
        Lobby(session).TryOpen();
    }

    private static CoordinatorException Dropped(string clientId, string why) =>
        new(CoordinatorErrorKind.FailedPrecondition, $"Client '{clientId}' was dropped from the round: {why}.") { Reason = ErrorReasons.DroppedFromRound };
}
