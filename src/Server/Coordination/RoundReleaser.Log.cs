using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Server.Coordination;

internal sealed partial class RoundReleaser
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, EventName = "RoundCompleted", Message = "Session {SessionId} round {RoundNumber} completed: {Included} of {Participants} clients included, model version {ModelVersion}.")]
    private static partial void LogRoundCompleted(ILogger logger, string sessionId, long roundNumber, int included, int participants, long modelVersion);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, EventName = "RoundRecordFailed", Message = "Session {SessionId} round {RoundNumber}: the aborted round could not be recorded.")]
    private static partial void LogRecordFailed(ILogger logger, string sessionId, long roundNumber, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, EventName = "ProtocolViolationProven", Message = "Session {SessionId} round {RoundNumber}: client {ClientId} was proven to have broken the protocol ({Misbehaviour}); {Count} violations since its enrolment.")]
    private static partial void LogCulprit(ILogger logger, string sessionId, long roundNumber, string clientId, Misbehaviour misbehaviour, int count);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, EventName = "ClientSuspended", Message = "Client {ClientId} is suspended after {Count} proven protocol violations; it is refused until an operator re-enrols it.")]
    private static partial void LogClientSuspended(ILogger logger, string clientId, int count);
}
