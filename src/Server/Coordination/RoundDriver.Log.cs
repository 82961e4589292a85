using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Server.Coordination;

internal sealed partial class RoundDriver
{
    [LoggerMessage(EventId = 103, Level = LogLevel.Information, EventName = "StageDeadlinePassed", Message = "Session {SessionId} round {RoundNumber}: the {Stage} deadline passed with {Received} of {Alive} clients.")]
    private static partial void LogDeadlinePassed(ILogger logger, string sessionId, long roundNumber, RoundStage stage, int received, int alive);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, EventName = "MessageRejected", Message = "Session {SessionId} round {RoundNumber}: a {Stage} message from client {ClientId} was rejected ({Violation}).")]
    private static partial void LogMessageRejected(ILogger logger, string sessionId, long roundNumber, string clientId, RoundStage stage, SecAggViolation violation);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, EventName = "StageCloseFailed", Message = "Session {SessionId} round {RoundNumber}: closing {Stage} failed; the round is aborted.")]
    private static partial void LogStageFailed(ILogger logger, string sessionId, long roundNumber, RoundStage stage, Exception exception);
}
