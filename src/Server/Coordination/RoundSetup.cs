using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Server.Coordination;

/// <summary>What a round is opened with: its session, number, state machine, participants (index i is ParticipantIds[i − 1]) and their tickets, its stage deadline, m and its cohort within the round (from 0).</summary>
internal sealed record RoundSetup(
    string SessionId,
    long Number,
    AggregationRound Round,
    string[] ParticipantIds,
    IReadOnlyDictionary<int, RoundTicket> Tickets,
    TimeSpan StageDeadline,
    int MinimumSurvivors,
    int Cohort = 0);
