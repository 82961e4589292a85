using System.Net;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Security;

/// <summary>
/// Refuses every request that arrived without TLS on a non-loopback address, whichever listener accepted it
/// (<c>ServerOptions:Urls</c>, <c>Kestrel:Endpoints</c>, <c>urls</c>, or one an embedding host added in code). The
/// start-up check (<see cref="ListenerPolicy"/>) names such listeners; this guard makes sure no call is served on one.
/// </summary>
internal sealed partial class PlaintextGuardMiddleware(RequestDelegate next, ILogger<PlaintextGuardMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IPAddress? local = context.Connection.LocalIpAddress;
        if (context.Request.IsHttps || local is null || ListenerPolicy.IsLoopback(local))
        {
            return next(context);
        }

        LogPlaintextRefused(logger, local.ToString(), context.Request.Path.Value ?? string.Empty);
        return GrpcRefusalWriter.WriteAsync(context, RpcErrors.StatusWithReason(Google.Rpc.Code.PermissionDenied, CallRefusals.PlaintextRefused, "Plaintext calls are accepted only on loopback addresses; use TLS."));
    }

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, EventName = "PlaintextRefused", Message = "A plaintext request to {Path} arrived on non-loopback address {LocalAddress} and was refused; configure TLS for that listener.")]
    private static partial void LogPlaintextRefused(ILogger logger, string localAddress, string path);
}
