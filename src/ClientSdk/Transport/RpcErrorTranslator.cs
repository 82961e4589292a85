using Google.Rpc;
using Grpc.Core;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Turns a failed call into the documented <see cref="FederationException"/> subtype, by the gRPC status code and, when the
/// server attached one, the <c>google.rpc.ErrorInfo</c> reason; never by reading the status text, which is for people
/// and may change (see the SDK README, "Errors").
/// </summary>
internal static class RpcErrorTranslator
{
    /// <summary>The <c>ErrorInfo.domain</c> of PrivateFl's own reasons.</summary>
    public const string Domain = "privatefl.v1";

    /// <summary>
    /// The ErrorInfo reasons this client understands, spelled exactly as the server sends them (specs/api.md,
    /// "Statuses"); any other reason falls back to the status code.
    /// </summary>
    public static class Reasons
    {
        public const string SchemaMismatch = "SCHEMA_MISMATCH";
        public const string SessionCompleted = "SESSION_COMPLETED";
        public const string BudgetExhausted = "BUDGET_EXHAUSTED";
        public const string NotAuthenticated = "CALL_NOT_AUTHENTICATED";
        public const string ClientBusy = "CLIENT_CONCURRENCY_LIMIT";
        public const string ServerBusy = "SERVER_CONCURRENCY_LIMIT";
    }

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

    /// <summary>Whether the session has ended for good, by ErrorInfo reason.</summary>
    public static bool IsSessionOver(string? reason) => reason is Reasons.SessionCompleted or Reasons.BudgetExhausted;

    public static FederationException Translate(RpcException exception, Uri server, string clientId, int retries)
    {
        string detail = exception.Status.Detail;
        return Reason(exception) switch
        {
            Reasons.SchemaMismatch => new SchemaMismatchException(detail, exception),
            Reasons.SessionCompleted or Reasons.BudgetExhausted => new SessionEndedException(detail, exception),
            Reasons.NotAuthenticated => new ClientRejectedException($"The server did not accept client '{clientId}': {detail}", exception),
            Reasons.ClientBusy or Reasons.ServerBusy => new ServerUnavailableException($"The aggregation server at {server} is overloaded after {retries} retries: {detail}", exception),
            _ => exception.StatusCode switch
            {
                StatusCode.Unavailable or StatusCode.ResourceExhausted => new ServerUnavailableException($"The aggregation server at {server} is unreachable after {retries} retries: {detail}", exception),
                StatusCode.DeadlineExceeded => new ServerUnavailableException($"The aggregation server at {server} did not answer in time: {detail}", exception),
                StatusCode.Cancelled => new ServerUnavailableException($"The aggregation server at {server} ended the call: {detail}", exception),
                StatusCode.NotFound => new SessionEndedException(detail, exception),
                StatusCode.Unauthenticated or StatusCode.PermissionDenied => new ClientRejectedException($"The server did not accept client '{clientId}': {detail}", exception),
                _ => new ServerErrorException($"The aggregation server refused or failed a call ({exception.StatusCode}): {detail}", exception),
            },
        };
    }
}
