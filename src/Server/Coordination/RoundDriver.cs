using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// Drives one round: takes each participant's message into its <see cref="AggregationRound"/>, closes a stage when
/// every live client has answered or its deadline passes (a client that missed it has dropped out), and publishes
/// each stage's result to the clients' waiting calls, typed per stage.
/// </summary>
/// <remarks>
/// Runs under its session's gate. A DP round releases nothing from fewer than <see cref="MinimumSurvivors"/> clients
/// (their noise would fall short of (σΔ)²): it aborts after MaskedInput, or after Expel if expulsions leave too few.
/// What a released sum becomes, and what an abort leaves behind, is the owner's (<c>release</c>, <c>aborted</c>). A round
/// of several cohorts has one driver per cohort, under the front end's <see cref="RoundMaster"/> (specs/protocol.md §3).
/// </remarks>
internal sealed partial class RoundDriver : IDisposable
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<int, KeyDirectory>> _keyDirectories = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IReadOnlyDictionary<int, ShareDelivery>> _shareDeliveries = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SurvivorList> _survivors = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ConsistencyProof> _proof = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<UnmaskReply> _unmask = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RoundOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _sessionId;
    private readonly Lock _gate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<RoundDriver, AggregationResult, Task<RoundOutcome>> _release;
    private readonly Action<RoundDriver, string> _aborted;
    private readonly Func<RoundDriver, Task>? _beforeUnmask;
    private bool _awaitingUnmask;
    private long _stageOpenedTimestamp;
    private int _generation;
    private ITimer? _deadline;

    /// <param name="setup">The round (or cohort) to drive.</param>
    /// <param name="gate">The session's gate, under which every stage change runs.</param>
    /// <param name="time">The clock of the stage deadlines.</param>
    /// <param name="logger">The round's log.</param>
    /// <param name="release">What a released sum becomes; its task completes when the banks may learn the outcome.</param>
    /// <param name="aborted">Told, under the gate, that the round aborted and why.</param>
    /// <param name="beforeUnmask">
    /// Awaited (off the gate) once MaskedInput has closed and before any bank learns the survivors, so before any share
    /// that unmasks the sum is revealed: the round's privacy budget is reserved here (issue 13). A fault aborts the round.
    /// </param>
    public RoundDriver(RoundSetup setup, Lock gate, TimeProvider time, ILogger logger, Func<RoundDriver, AggregationResult, Task<RoundOutcome>> release, Action<RoundDriver, string> aborted, Func<RoundDriver, Task>? beforeUnmask = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        _sessionId = setup.SessionId;
        Number = setup.Number;
        Round = setup.Round;
        ParticipantIds = setup.ParticipantIds;
        Tickets = setup.Tickets;
        StageDeadline = setup.StageDeadline;
        MinimumSurvivors = setup.MinimumSurvivors;
        IndexOf = ParticipantIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i + 1, StringComparer.Ordinal);
        _gate = gate;
        _time = time;
        _logger = logger;
        _release = release;
        _aborted = aborted;
        _beforeUnmask = beforeUnmask;
        Cohort = setup.Cohort;
        _stageOpenedTimestamp = time.GetTimestamp();
        StartedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public long Number { get; }

    /// <summary>The cohort this driver runs within its round, from 0.</summary>
    public int Cohort { get; }

    public AggregationRound Round { get; }

    /// <summary>Client ids by index − 1.</summary>
    public string[] ParticipantIds { get; }

    public Dictionary<string, int> IndexOf { get; }

    public IReadOnlyDictionary<int, RoundTicket> Tickets { get; }

    /// <summary>Each stage's deadline in this round (<see cref="Options.RoundOptions.StageDeadlineFor"/> of its size).</summary>
    public TimeSpan StageDeadline { get; }

    /// <summary>m: the fewest clients whose sum this round may release; 0 without DP.</summary>
    public int MinimumSurvivors { get; }

    public long StartedUnixMs { get; }

    public List<StageTimingData> Timings { get; } = [];

    /// <summary>Each survivor's key directory once AdvertiseKeys closes, by index.</summary>
    public Task<IReadOnlyDictionary<int, KeyDirectory>> KeyDirectories => _keyDirectories.Task;

    /// <summary>Each survivor's encrypted shares once ShareKeys closes, by index.</summary>
    public Task<IReadOnlyDictionary<int, ShareDelivery>> ShareDeliveries => _shareDeliveries.Task;

    public Task<SurvivorList> Survivors => _survivors.Task;

    public Task<ConsistencyProof> Proof => _proof.Task;

    public Task<UnmaskReply> UnmaskResult => _unmask.Task;

    /// <summary>The outcome once Expel closes (a round with no culprit ends with <see cref="UnmaskResult"/>).</summary>
    public Task<RoundOutcome> ExpelResult => _outcome.Task;

    /// <summary>Starts the first stage's deadline; call once the tickets are out.</summary>
    public void Start() => ArmDeadline();

    /// <summary>Takes a participant's message for <paramref name="stage"/>, and closes the stage if it was the last one awaited.</summary>
    /// <returns>The participant's index.</returns>
    /// <exception cref="CoordinatorException">The client is not a participant (<see cref="CoordinatorErrorKind.PermissionDenied"/>).</exception>
    /// <exception cref="SecAggProtocolException">The round refused the message.</exception>
    public int Accept(string clientId, RoundStage stage, Action<AggregationRound, int> accept)
    {
        if (!IndexOf.TryGetValue(clientId, out int index))
        {
            throw new CoordinatorException(CoordinatorErrorKind.PermissionDenied, $"Client '{clientId}' is not a participant of round {Number}.") { Reason = ErrorReasons.NotRoundParticipant };
        }

        try
        {
            accept(Round, index);
        }
        catch (SecAggProtocolException ex)
        {
            LogMessageRejected(_logger, _sessionId, Number, clientId, stage, ex.Violation);
            throw;
        }

        if (Round.IsStageComplete)
        {
            CloseStage();
        }

        return index;
    }

    /// <summary>Closes the current stage now, with the clients that have answered; a stage that cannot close aborts the round.</summary>
    public void CloseStage()
    {
        if (_awaitingUnmask)
        {
            // MaskedInput has closed and the budget is being reserved: the next stage has not opened yet.
            return;
        }

        RoundStage stage = Round.Stage;
        _generation++;
        _deadline?.Dispose();
        try
        {
            switch (stage)
            {
                case RoundStage.AdvertiseKeys: Advance(stage, _keyDirectories, Round.CloseAdvertiseKeys()); break;
                case RoundStage.ShareKeys: Advance(stage, _shareDeliveries, Round.CloseShareKeys()); break;
                case RoundStage.MaskedInput when _beforeUnmask is null: Advance(stage, _survivors, RequireMinimumSurvivors(Round.CloseMaskedInput())); break;
                case RoundStage.MaskedInput: _ = AdvanceAfterAsync(stage, _survivors, RequireMinimumSurvivors(Round.CloseMaskedInput()), _beforeUnmask); break;
                case RoundStage.ConsistencyCheck: Advance(stage, _proof, Round.CloseConsistencyCheck()); break;
                case RoundStage.Unmask when Round.CloseUnmask() is { } sum: _ = PublishAsync(stage, _unmask, Release(sum, stage), outcome => new UnmaskReply(outcome, null)); break;
                case RoundStage.Unmask: Advance(stage, _unmask, new UnmaskReply(null, Round.Expulsion)); break;
                case RoundStage.Expel: _ = PublishAsync(stage, _outcome, Release(Round.CloseExpel(), stage), outcome => outcome); break;
                default: throw new InvalidOperationException($"Round {Number} has no open stage ({stage}).");
            }
        }
        catch (RoundAbortedException ex)
        {
            RecordTiming(stage, 0);
            Abort(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever failed (inconsistent shares, a key that defeats agreement, the store), the round must end:
            // erase its state, release the waiting clients and let the session open the next one.
            RecordTiming(stage, 0);
            Round.Abort("internal failure");
            string reason = ex is Crypto.Primitives.SecretSharingException ? ex.Message : $"the {stage} stage could not be closed ({ex.GetType().Name}).";
            LogStageFailed(_logger, _sessionId, Number, stage, ex);
            Abort(reason);
        }
    }

    /// <summary>Fails every stage result not yet published (the round was aborted).</summary>
    public void FailRemaining(Exception error)
    {
        _keyDirectories.TrySetException(error);
        _shareDeliveries.TrySetException(error);
        _survivors.TrySetException(error);
        _proof.TrySetException(error);
        _unmask.TrySetException(error);
        _outcome.TrySetException(error);
    }

    public void Dispose() => _deadline?.Dispose();

    private void Advance<T>(RoundStage stage, TaskCompletionSource<T> result, T value)
    {
        bool next = Round.Stage < RoundStage.Completed;
        if (next)
        {
            RecordTiming(stage, Round.AliveClients.Count);
        }

        result.TrySetResult(value);
        if (next)
        {
            _stageOpenedTimestamp = _time.GetTimestamp();
            ArmDeadline();
        }
    }

    /// <summary>Publishes a stage's result once <paramref name="before"/> has completed (off the gate); aborts the round if it fails.</summary>
    private async Task AdvanceAfterAsync<T>(RoundStage stage, TaskCompletionSource<T> result, T value, Func<RoundDriver, Task> before)
    {
        _awaitingUnmask = true;
        Exception? failure = null;
        try
        {
            await Task.Run(() => before(this)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
        }

        lock (_gate)
        {
            _awaitingUnmask = false;
            if (Round.Stage >= RoundStage.Completed)
            {
                return;
            }

            if (failure is null)
            {
                Advance(stage, result, value);
                return;
            }

            RecordTiming(stage, 0);
            Round.Abort("no budget reservation");
            if (failure is not RoundAbortedException)
            {
                LogStageFailed(_logger, _sessionId, Number, stage, failure);
            }

            Abort(failure is RoundAbortedException ? failure.Message : $"the {stage} stage could not be closed ({failure.GetType().Name}).");
        }
    }

    private SurvivorList RequireMinimumSurvivors(SurvivorList survivors)
    {
        if (survivors.Survivors.Count < MinimumSurvivors)
        {
            Round.Abort("too few survivors for the noise");
            throw new RoundAbortedException(RoundStage.MaskedInput, $"After MaskedInput {survivors.Survivors.Count} clients survive; a differentially private round needs at least m = {MinimumSurvivors} (the noise is sized for m).");
        }

        return survivors;
    }

    /// <summary>
    /// Hands the banks the outcome once the owner's release is durable: the commit runs off the gate (issue 12), so a
    /// bank never sees a model version that a crash could lose. A release that fails aborts the round.
    /// </summary>
    private async Task PublishAsync<T>(RoundStage stage, TaskCompletionSource<T> result, Task<RoundOutcome> release, Func<RoundOutcome, T> publish)
    {
        RoundOutcome outcome;
        try
        {
            outcome = await release.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_gate)
            {
                LogStageFailed(_logger, _sessionId, Number, stage, ex);
                Abort($"the {stage} stage could not be closed ({ex.GetType().Name}).");
            }

            return;
        }

        result.TrySetResult(publish(outcome));
    }

    private Task<RoundOutcome> Release(AggregationResult result, RoundStage stage)
    {
        RecordTiming(stage, result.IncludedClients.Count);
        if (result.IncludedClients.Count < MinimumSurvivors)
        {
            // Expelled culprits left fewer inputs than the noise was sized for: the sum is not released.
            throw new RoundAbortedException(stage, $"After {stage} {result.IncludedClients.Count} clients remain in the sum once the culprits are expelled; a differentially private round needs at least m = {MinimumSurvivors} (the noise is sized for m).");
        }

        return _release(this, result);
    }

    private void Abort(string reason)
    {
        _deadline?.Dispose();
        _aborted(this, reason);
    }

    private void ArmDeadline()
    {
        _deadline?.Dispose();
        int generation = _generation;
        _deadline = _time.CreateTimer(
            _ =>
            {
                lock (_gate)
                {
                    // A stage that closed meanwhile bumped the generation: this deadline belongs to it and is void.
                    if (_generation == generation && Round.Stage < RoundStage.Completed)
                    {
                        LogDeadlinePassed(_logger, _sessionId, Number, Round.Stage, Round.ReceivedClients.Count, Round.AliveClients.Count);
                        CloseStage();
                    }
                }
            },
            null,
            StageDeadline,
            Timeout.InfiniteTimeSpan);
    }

    private void RecordTiming(RoundStage stage, int aliveAfter) =>
        Timings.Add(new StageTimingData(stage.ToString(), _time.GetElapsedTime(_stageOpenedTimestamp).TotalMilliseconds, aliveAfter));
}
