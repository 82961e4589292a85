using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Security;

/// <summary>
/// Authenticates every call: the admin service by the operator's API key, the federation service by the
/// caller's per-call Ed25519 signature under its enrolled identity key. Unknown, revoked, replayed or badly
/// signed calls get UNAUTHENTICATED before any handler runs.
/// </summary>
internal sealed partial class AuthenticationInterceptor(IFederationStore store, IOptions<ServerOptions> options, ReplayCache replays, TimeProvider time, ILogger<AuthenticationInterceptor> logger) : Interceptor
{
    public const string AdminKeyHeader = "x-privatefl-admin-key";
    public const string ClientIdKey = "privatefl-client-id";
    private const string AdminServicePrefix = "/privatefl.v1.Admin/";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (context.Method.StartsWith(AdminServicePrefix, StringComparison.Ordinal))
        {
            AuthenticateAdmin(context);
        }
        else
        {
            context.UserState[ClientIdKey] = AuthenticateClient(context, request as IMessage);
        }

        return continuation(request, context);
    }

    private void AuthenticateAdmin(ServerCallContext context)
    {
        string presented = context.RequestHeaders.GetValue(AdminKeyHeader) ?? string.Empty;
        byte[] expected = System.Text.Encoding.UTF8.GetBytes(options.Value.AdminApiKey);
        byte[] actual = System.Text.Encoding.UTF8.GetBytes(presented);
        bool valid = expected.Length == actual.Length && CryptographicOperations.FixedTimeEquals(expected, actual);
        if (!valid)
        {
            LogAdminRejected(logger, context.Method);
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"The admin API key in '{AdminKeyHeader}' is missing or wrong."));
        }
    }

    private string AuthenticateClient(ServerCallContext context, IMessage? request)
    {
        Metadata headers = context.RequestHeaders;
        string? clientId = headers.GetValue(CallSignature.ClientHeader);
        string? timestampText = headers.GetValue(CallSignature.TimestampHeader);
        string? nonceText = headers.GetValue(CallSignature.NonceHeader);
        string? signatureText = headers.GetValue(CallSignature.SignatureHeader);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(timestampText) || string.IsNullOrEmpty(nonceText) || string.IsNullOrEmpty(signatureText))
        {
            throw Unauthenticated(context, clientId, $"The call must carry the headers {CallSignature.ClientHeader}, {CallSignature.TimestampHeader}, {CallSignature.NonceHeader} and {CallSignature.SignatureHeader}.");
        }

        EnrolledClient? client = store.FindClient(clientId);
        if (client is null)
        {
            throw Unauthenticated(context, clientId, $"Client '{clientId}' is not enrolled.");
        }

        if (client.Revoked)
        {
            throw Unauthenticated(context, clientId, $"Client '{clientId}' has been revoked.");
        }

        if (!long.TryParse(timestampText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long timestamp)
            || Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - timestamp) > options.Value.ClockSkew.TotalMilliseconds)
        {
            throw Unauthenticated(context, clientId, $"The call's timestamp is missing or more than {options.Value.ClockSkew} from the server's clock.");
        }

        byte[] nonce;
        byte[] signature;
        try
        {
            nonce = Convert.FromHexString(nonceText);
            signature = Convert.FromBase64String(signatureText);
        }
        catch (FormatException)
        {
            throw Unauthenticated(context, clientId, "The call's nonce must be hex and its signature base64.");
        }

        byte[] body = request?.ToByteArray() ?? [];
        if (nonce.Length != CallSignature.NonceSize || !Signatures.Verify(client.IdentityPublicKey, CallSignature.Payload(context.Method, clientId, timestamp, nonce, body), signature))
        {
            throw Unauthenticated(context, clientId, $"The call's signature does not verify under client '{clientId}''s identity key.");
        }

        // Keyed on the decoded bytes: hex in another letter case is the same nonce.
        if (!replays.TryUse(clientId, Convert.ToHexStringLower(nonce), options.Value.ClockSkew))
        {
            throw Unauthenticated(context, clientId, "The call was already received (replayed nonce).");
        }

        return clientId;
    }

    private RpcException Unauthenticated(ServerCallContext context, string? clientId, string message)
    {
        LogClientRejected(logger, context.Method, clientId ?? "(none)", message);
        return new RpcException(new Status(StatusCode.Unauthenticated, message));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, EventName = "ClientCallRejected", Message = "Call {Method} from client {ClientId} rejected: {Reason}")]
    private static partial void LogClientRejected(ILogger logger, string method, string clientId, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, EventName = "AdminCallRejected", Message = "Admin call {Method} rejected: wrong or missing API key.")]
    private static partial void LogAdminRejected(ILogger logger, string method);
}
