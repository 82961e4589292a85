using Google.Rpc;
using Grpc.Core;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Turns a failed call into the documented <see cref="FederationException"/> subtype, by the gRPC status code and, when the
/// server attached one, the <c>google.rpc.ErrorInfo</c> reason; never by reading the status text, which is for people
/// and may change (see the SDK README, "Errors", and specs/api.md, "Statuses"). The text is only carried into the
/// exception's message.
/// </summary>
internal static class RpcErrorTranslator
{
    /// <summary>The <c>ErrorInfo.domain</c> of PrivateFl's own reasons.</summary>
    public const string Domain = "privatefl.v1";

    /// <summary>What a failed call means to this client; each kind is one exception type.</summary>
    public enum FailureKind
    {
        /// <summary><see cref="ServerUnavailableException"/>.</summary>
        Unavailable,

        /// <summary><see cref="SessionEndedException"/>.</summary>
        SessionEnded,

        /// <summary><see cref="SchemaMismatchException"/>.</summary>
        SchemaMismatch,

        /// <summary><see cref="ClientRejectedException"/>.</summary>
        Rejected,

        /// <summary><see cref="ServerErrorException"/>.</summary>
        ServerError,
    }

    /// <summary>
    /// The ErrorInfo reasons this client understands, spelled exactly as the server sends them (specs/api.md,
    /// "Statuses"), with what each means to it; any other reason falls back to the status code.
    /// </summary>
    public static IReadOnlyDictionary<string, FailureKind> KnownReasons { get; } = new Dictionary<string, FailureKind>(StringComparer.Ordinal)
    {
        [Reasons.SchemaMismatch] = FailureKind.SchemaMismatch,
        [Reasons.SessionCompleted] = FailureKind.SessionEnded,
        [Reasons.BudgetExhausted] = FailureKind.SessionEnded,
        [Reasons.SessionNotFound] = FailureKind.SessionEnded,
        [Reasons.ModelVersionNotFound] = FailureKind.SessionEnded,
        [Reasons.NotAuthenticated] = FailureKind.Rejected,
        [Reasons.HeadersInvalid] = FailureKind.Rejected,
        [Reasons.ClockSkew] = FailureKind.Rejected,
        [Reasons.Replayed] = FailureKind.Rejected,
        [Reasons.BodyHashMismatch] = FailureKind.Rejected,
        [Reasons.AdminKeyInvalid] = FailureKind.Rejected,
        [Reasons.ClientBusy] = FailureKind.Unavailable,
        [Reasons.ServerBusy] = FailureKind.Unavailable,
        [Reasons.MessageTooLarge] = FailureKind.ServerError,
        [Reasons.CompressionRefused] = FailureKind.ServerError,
        [Reasons.MethodNameNotExact] = FailureKind.ServerError,
        [Reasons.MalformedMessage] = FailureKind.ServerError,
        [Reasons.PlaintextRefused] = FailureKind.ServerError,
        [Reasons.InvalidRequest] = FailureKind.ServerError,
        [Reasons.ProtocolVersionUnsupported] = FailureKind.ServerError,
        [Reasons.ProtocolViolation] = FailureKind.ServerError,
        [Reasons.WaitAlreadyPending] = FailureKind.ServerError,
        [Reasons.RoundNotInProgress] = FailureKind.ServerError,
        [Reasons.NotRoundParticipant] = FailureKind.ServerError,
        [Reasons.DroppedFromRound] = FailureKind.ServerError,
        [Reasons.RoundNotFormed] = FailureKind.ServerError,
        [Reasons.RoundAborted] = FailureKind.ServerError,
        [Reasons.SessionAlreadyExists] = FailureKind.ServerError,
        [Reasons.ClientAlreadyEnrolled] = FailureKind.ServerError,
        [Reasons.ClientNotFound] = FailureKind.ServerError,
        [Reasons.StorageFailed] = FailureKind.ServerError,
    };

    /// <summary>The ErrorInfo reason of PrivateFl's domain attached to the status, or null.</summary>
    public static string? Reason(RpcException exception)
    {
        try
        {
            ErrorInfo? info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
            return info is not null && string.Equals(info.Domain, Domain, StringComparison.Ordinal) ? info.Reason : null;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // A malformed status detail is no reason: the status code still decides.
            return null;
        }
    }

    /// <summary>What a status means to this client: by the reason when it is one this client knows, else by the code.</summary>
    public static FailureKind Classify(StatusCode code, string? reason) =>
        reason is not null && KnownReasons.TryGetValue(reason, out FailureKind kind)
            ? kind
            : code switch
            {
                StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded or StatusCode.Cancelled => FailureKind.Unavailable,
                StatusCode.NotFound => FailureKind.SessionEnded,
                StatusCode.Unauthenticated or StatusCode.PermissionDenied => FailureKind.Rejected,
                _ => FailureKind.ServerError,
            };

    /// <summary>
    /// Whether a safe call may be retried: the server was unreachable or at a limit. A known reason decides (a message
    /// over the size limit is RESOURCE_EXHAUSTED too, but sending it again cannot help); without one, the code does.
    /// </summary>
    public static bool IsRetryable(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string? reason = Reason(exception);
        return reason is not null && KnownReasons.ContainsKey(reason)
            ? reason is Reasons.ClientBusy or Reasons.ServerBusy
            : exception.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted;
    }

    /// <summary>Why a session ended, when the refusal says it did (SESSION_COMPLETED, BUDGET_EXHAUSTED); otherwise null.</summary>
    public static TrainingStopReason? SessionEnd(RpcException exception) => Reason(exception) switch
    {
        Reasons.SessionCompleted => TrainingStopReason.SessionCompleted,
        Reasons.BudgetExhausted => TrainingStopReason.SessionBudgetExhausted,
        _ => null,
    };

    public static FederationException Translate(RpcException exception, Uri server, string clientId, int retries)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string? reason = Reason(exception);
        StatusCode code = exception.StatusCode;

        // The text goes into the message for people; the type above was chosen without it.
        string detail = exception.Status.Detail;
        if (TlsRejection(exception) is { } tls)
        {
            // This client refused the server's certificate (ServerTrust): no server answered, so nothing was refused by it.
            return new ServerUnavailableException($"The TLS connection to the aggregation server at {server} failed: {tls.Message}", exception);
        }

        string cause = reason is null ? code.ToString() : $"{code}, {reason}";
        return Classify(code, reason) switch
        {
            FailureKind.SchemaMismatch => new SchemaMismatchException(detail, exception),
            FailureKind.SessionEnded => new SessionEndedException(detail, exception),
            FailureKind.Rejected => new ClientRejectedException($"The server did not accept client '{clientId}' ({cause}): {detail}", exception),
            FailureKind.Unavailable => code switch
            {
                StatusCode.DeadlineExceeded => new ServerUnavailableException($"The aggregation server at {server} did not answer in time: {detail}", exception),
                StatusCode.Cancelled => new ServerUnavailableException($"The aggregation server at {server} ended the call: {detail}", exception),
                _ when reason is Reasons.ClientBusy or Reasons.ServerBusy => new ServerUnavailableException($"The aggregation server at {server} is overloaded after {retries} retries ({reason}): {detail}", exception),
                _ => new ServerUnavailableException($"The aggregation server at {server} is unreachable after {retries} retries ({cause}): {detail}", exception),
            },
            _ => new ServerErrorException($"The aggregation server refused or failed a call ({cause}): {detail}", exception),
        };
    }

    /// <summary>The TLS handshake failure under a call that never reached the server, or null.</summary>
    private static System.Security.Authentication.AuthenticationException? TlsRejection(RpcException exception)
    {
        for (Exception? e = exception.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return tls.InnerException as System.Security.Authentication.AuthenticationException ?? tls;
            }
        }

        return null;
    }

    /// <summary>The reasons of specs/api.md, "Statuses", as the server spells them.</summary>
    public static class Reasons
    {
        public const string SchemaMismatch = "SCHEMA_MISMATCH";
        public const string SessionCompleted = "SESSION_COMPLETED";
        public const string BudgetExhausted = "BUDGET_EXHAUSTED";
        public const string SessionNotFound = "SESSION_NOT_FOUND";
        public const string ModelVersionNotFound = "MODEL_VERSION_NOT_FOUND";
        public const string NotAuthenticated = "CALL_NOT_AUTHENTICATED";
        public const string HeadersInvalid = "CALL_HEADERS_INVALID";
        public const string ClockSkew = "CALL_TIMESTAMP_OUT_OF_WINDOW";
        public const string Replayed = "CALL_REPLAYED";
        public const string BodyHashMismatch = "BODY_HASH_MISMATCH";
        public const string AdminKeyInvalid = "ADMIN_KEY_INVALID";
        public const string ClientBusy = "CLIENT_CONCURRENCY_LIMIT";
        public const string ServerBusy = "SERVER_CONCURRENCY_LIMIT";
        public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
        public const string CompressionRefused = "REQUEST_COMPRESSION_REFUSED";
        public const string MethodNameNotExact = "METHOD_NAME_NOT_EXACT";
        public const string MalformedMessage = "MALFORMED_MESSAGE";
        public const string PlaintextRefused = "PLAINTEXT_REFUSED";
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string ProtocolVersionUnsupported = "PROTOCOL_VERSION_UNSUPPORTED";
        public const string ProtocolViolation = "PROTOCOL_VIOLATION";
        public const string WaitAlreadyPending = "WAIT_ALREADY_PENDING";
        public const string RoundNotInProgress = "ROUND_NOT_IN_PROGRESS";
        public const string NotRoundParticipant = "NOT_ROUND_PARTICIPANT";
        public const string DroppedFromRound = "DROPPED_FROM_ROUND";
        public const string RoundNotFormed = "ROUND_NOT_FORMED";
        public const string RoundAborted = "ROUND_ABORTED";
        public const string SessionAlreadyExists = "SESSION_ALREADY_EXISTS";
        public const string ClientAlreadyEnrolled = "CLIENT_ALREADY_ENROLLED";
        public const string ClientNotFound = "CLIENT_NOT_FOUND";
        public const string StorageFailed = "STORAGE_FAILED";
    }
}
