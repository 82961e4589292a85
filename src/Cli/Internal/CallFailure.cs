using System.Security.Authentication;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// Turns a failed call into the CLI's one line and exit code: by the gRPC status code and the <c>google.rpc.ErrorInfo</c>
/// reason (never by the status text, which is only quoted), with the <c>BadRequest</c> field violations listed.
/// </summary>
internal static class CallFailure
{
    /// <summary>The ErrorInfo domain of PrivateFl's reasons.</summary>
    private const string Domain = "privatefl.v1";

    public static CliException From(RpcException exception, Uri server, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(exception);
        (string? reason, string? violations) = Details(exception);
        string detail = exception.Status.Detail;
        // No answer of the server's: refused connection, TLS rejected, or the connection dropped (gRPC may call the last
        // INTERNAL, which would otherwise read as the server failing the call).
        if (reason is null && (exception.StatusCode == StatusCode.Unavailable || exception.Status.DebugException is HttpRequestException or IOException or AuthenticationException))
        {
            return Unreachable(exception.Status.DebugException ?? exception, server);
        }

        if (exception.StatusCode == StatusCode.DeadlineExceeded)
        {
            return new CliException($"The server at {server} did not answer within {timeout.TotalSeconds:0} s.", ExitCodes.Unreachable, exception);
        }

        string cause = reason is null ? exception.StatusCode.ToString() : $"{exception.StatusCode}, {reason}";
        string advice = reason == "ADMIN_KEY_INVALID" ? " Check --admin-key or PRIVATEFL_ADMIN_KEY." : string.Empty;
        // The field violations say it all (the status text repeats them); without them the text is the message.
        string text = violations ?? detail;
        return new CliException($"The server refused the call ({cause}): {Flatten(text)}{advice}", ExitCodes.ServerRefused, exception);
    }

    /// <summary>The line of a server that could not be reached, naming a TLS rejection as one.</summary>
    public static CliException Unreachable(Exception exception, Uri server)
    {
        ArgumentNullException.ThrowIfNull(exception);
        AuthenticationException? tls = Find<AuthenticationException>(exception);
        if (tls is not null)
        {
            return new CliException($"The TLS connection to {server} failed: {Sentence(Flatten(Innermost(tls).Message))} Trust the server with --ca-file or --pin-sha256.", ExitCodes.Unreachable, exception);
        }

        return new CliException($"Cannot reach the server at {server}: {Flatten(Innermost(exception).Message)}", ExitCodes.Unreachable, exception);
    }

    /// <summary>The line of an SDK failure (models): its message is already for people.</summary>
    public static CliException From(FederationException exception, Uri server)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.InnerException is RpcException rpc && rpc.Status.DebugException is { } cause && Find<AuthenticationException>(cause) is not null)
        {
            return Unreachable(cause, server);
        }

        return new CliException(Flatten(exception.Message), exception is ServerUnavailableException ? ExitCodes.Unreachable : ExitCodes.ServerRefused, exception);
    }

    private static (string? Reason, string? Violations) Details(RpcException exception)
    {
        try
        {
            Google.Rpc.Status? status = exception.GetRpcStatus();
            ErrorInfo? info = status?.GetDetail<ErrorInfo>();
            BadRequest? bad = status?.GetDetail<BadRequest>();
            string? violations = bad is null || bad.FieldViolations.Count == 0
                ? null
                : string.Join("; ", bad.FieldViolations.Select(v => $"{v.Field} {v.Description}".TrimEnd('.')));
            return (info is not null && info.Domain == Domain ? info.Reason : null, violations);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return (null, null);
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        Exception e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>Ends a quoted message as a sentence, so that the advice after it reads as one ("…: UntrustedRoot" does not).</summary>
    private static string Sentence(string text) => text.Length == 0 || text[^1] is '.' or '!' or '?' ? text : text + ".";

    /// <summary>One line: a failure is one line on standard error.</summary>
    private static string Flatten(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
