namespace PrivateFl.Server.Coordination;

internal sealed partial class TrainingCoordinator
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, EventName = "RoundOpened", Message = "Session {SessionId} round {RoundNumber} cohort {Cohort} opened with {Participants} clients (t = {Threshold}, k = {Degree}).")]
    private static partial void LogRoundOpened(ILogger logger, string sessionId, long roundNumber, int cohort, int participants, int threshold, int degree);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, EventName = "RoundAborted", Message = "Session {SessionId} round {RoundNumber} aborted: {Reason}")]
    private static partial void LogRoundAborted(ILogger logger, string sessionId, long roundNumber, string reason);
}
