using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Security;

/// <summary>
/// The second line behind <see cref="CallAuthenticationMiddleware"/>: no handler runs unless the middleware
/// authenticated the call (a federation call carries its <see cref="AuthenticatedClientFeature"/>, an admin call the
/// right API key). A host that maps the services without the middleware therefore refuses every federation call.
/// </summary>
internal sealed partial class AuthenticationInterceptor(IOptions<ServerOptions> options, ILogger<AuthenticationInterceptor> logger) : Interceptor
{
    public const string AdminKeyHeader = CallAuthenticationMiddleware.AdminKeyHeader;
    public const string ClientIdKey = "privatefl-client-id";
    private const string AdminServicePrefix = "/privatefl.v1.Admin/";

    /// <summary>The one unary method served without a signature or key (grpc/health/v1/health.proto).</summary>
    public const string HealthCheckMethod = "/grpc.health.v1.Health/Check";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (context.Method.StartsWith(AdminServicePrefix, StringComparison.Ordinal))
        {
            AuthenticateAdmin(context);
        }
        else if (!string.Equals(context.Method, HealthCheckMethod, StringComparison.Ordinal))
        {
            // Every other unary call needs an authenticated bank; the health check answers anyone (load balancers,
            // orchestrators) and says only SERVING or not.
            AuthenticatedClientFeature? client = context.GetHttpContext().Features.Get<AuthenticatedClientFeature>();
            if (client is null)
            {
                LogUnauthenticatedCall(logger, context.Method);
                throw Services.RpcErrors.Refusal(Google.Rpc.Code.Unauthenticated, CallRefusals.NotAuthenticated, CallAuthenticationMiddleware.NotAuthenticatedMessage);
            }

            context.UserState[ClientIdKey] = client.ClientId;
        }

        return continuation(request, context);
    }

    private void AuthenticateAdmin(ServerCallContext context)
    {
        string presented = context.RequestHeaders.GetValue(AdminKeyHeader) ?? string.Empty;
        if (!AdminKeyCheck.Matches(options.Value.AdminApiKey, presented))
        {
            LogUnauthenticatedCall(logger, context.Method);
            throw Services.RpcErrors.Refusal(Google.Rpc.Code.Unauthenticated, CallRefusals.AdminKey, $"The admin API key in '{AdminKeyHeader}' is missing or wrong.");
        }
    }

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, EventName = "UnauthenticatedCallReachedGrpc", Message = "Call {Method} reached gRPC without passing the authentication middleware; refused.")]
    private static partial void LogUnauthenticatedCall(ILogger logger, string method);
}
