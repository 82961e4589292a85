using Grpc.Core;
using Grpc.Core.Interceptors;
using Google.Rpc;

namespace PrivateFl.Server.Observability;

/// <summary>
/// Records every admin call that reached its handler in the audit log once it is answered: ok, or the status code and
/// refusal reason. The entry is durable before the caller has the answer. Calls refused earlier for a wrong key are
/// recorded by the authentication middleware.
/// </summary>
internal sealed class AuditInterceptor(AdminAudit audit) : Interceptor
{
    private const string AdminServicePrefix = "/privatefl.v1.Admin/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!context.Method.StartsWith(AdminServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        string method = context.Method[AdminServicePrefix.Length..];
        string target = AdminAudit.TargetOf(request!);
        string? address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        TResponse response;
        try
        {
            response = await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            await audit.RecordAsync(AdminAudit.Admin, address, method, target, Outcome(ex)).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await audit.RecordAsync(AdminAudit.Admin, address, method, target, $"UNKNOWN {ex.GetType().Name}").ConfigureAwait(false);
            throw;
        }

        await audit.RecordAsync(AdminAudit.Admin, address, method, target, AdminAudit.Ok).ConfigureAwait(false);
        return response;
    }

    /// <summary>The status code and, when the refusal carries one, its ErrorInfo reason: never the message, which may quote input.</summary>
    internal static string Outcome(RpcException ex)
    {
        string code = ((Code)(int)ex.StatusCode).ToString();
        string? reason = ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
        return reason is null ? ToUpperSnake(code) : $"{ToUpperSnake(code)} {reason}";
    }

    private static string ToUpperSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
