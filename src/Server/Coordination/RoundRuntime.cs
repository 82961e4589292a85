using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Server.Coordination;

/// <summary>The in-memory state of the round in progress; guarded by its session's gate.</summary>
internal sealed class RoundRuntime
{
    private readonly Dictionary<RoundStage, TaskCompletionSource<object>> _stageResults = [];

    public RoundRuntime(long number, AggregationRound round, string[] participantIds, Dictionary<int, RoundTicket> tickets, long startedTimestamp, long startedUnixMs)
    {
        Number = number;
        Round = round;
        ParticipantIds = participantIds;
        Tickets = tickets;
        IndexOf = participantIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i + 1, StringComparer.Ordinal);
        StageOpenedTimestamp = startedTimestamp;
        StartedUnixMs = startedUnixMs;
        foreach (RoundStage stage in new[] { RoundStage.AdvertiseKeys, RoundStage.ShareKeys, RoundStage.MaskedInput, RoundStage.ConsistencyCheck, RoundStage.Unmask, RoundStage.Expel })
        {
            _stageResults[stage] = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public long Number { get; }

    public AggregationRound Round { get; }

    /// <summary>Client ids by index − 1.</summary>
    public string[] ParticipantIds { get; }

    public Dictionary<string, int> IndexOf { get; }

    public Dictionary<int, RoundTicket> Tickets { get; }

    public long StartedUnixMs { get; }

    public long StageOpenedTimestamp { get; set; }

    /// <summary>Each stage's deadline in this round (<see cref="Options.RoundOptions.StageDeadlineFor"/> of its size).</summary>
    public TimeSpan StageDeadline { get; init; }

    /// <summary>Incremented whenever a stage closes, so a late deadline timer can tell its stage is gone.</summary>
    public int Generation { get; set; }

    public ITimer? DeadlineTimer { get; set; }

    public List<Storage.StageTimingData> Timings { get; } = [];

    public Task<object> ResultOf(RoundStage stage) => _stageResults[stage].Task;

    public void Complete(RoundStage stage, object result) => _stageResults[stage].TrySetResult(result);

    public void FailRemaining(Exception error)
    {
        foreach (TaskCompletionSource<object> result in _stageResults.Values)
        {
            result.TrySetException(error);
        }
    }
}
