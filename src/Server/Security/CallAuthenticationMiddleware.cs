using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.Extensions.Options;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Server.Options;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Security;

/// <summary>
/// Authenticates every PrivateFl gRPC call before its body is read or gRPC sees it (specs/api.md, "Authentication" and
/// "Limits"). For the federation service it checks everything the headers carry (all five signing headers
/// well-formed, timestamp within the clock skew), verifies the Ed25519 signature from the headers alone (it covers
/// the body's SHA-256 header, not the body), only then counts the call against its client's and the total limit and
/// records the nonce durably, and only then reads the one length-prefixed gRPC message with a hard size cap
/// (compressed messages are refused), hashing it as it streams and comparing with the signed hash, checks that the
/// bytes parse as the method's request type, and hands the same bytes on. Admin calls are checked for the API key
/// before their body is read.
/// </summary>
/// <remarks>
/// A call of an unknown, revoked or suspended id takes the same path as a badly signed one: its signature is verified
/// once, against a fixed key nobody holds, and it is refused with the same message, before its body is read. Refusing
/// such an id without a verification would answer measurably sooner and so tell which ids are enrolled; reading the
/// body of a call whose signature has not verified would let anyone who knows an enrolled id make the server hold
/// bodies (issue 10: +164 to +256 MB for 120 calls of 16 MiB).
/// </remarks>
internal sealed partial class CallAuthenticationMiddleware(
    RequestDelegate next,
    IFederationStore store,
    IOptions<ServerOptions> options,
    ReplayCache replays,
    CallLimiter limiter,
    ICallSignatureVerifier verifier,
    TimeProvider time,
    ILogger<CallAuthenticationMiddleware> logger,
    Observability.AdminAudit? audit = null)
{
    /// <summary>The metadata entry holding the operator's API key.</summary>
    public const string AdminKeyHeader = "x-privatefl-admin-key";

    private const string FederationPrefix = "/privatefl.v1.Federation/";
    private const string AdminPrefix = "/privatefl.v1.Admin/";
    private const string PackagePrefix = "/privatefl.v1.";
    private const int FramePrefixSize = 5;

    /// <summary>The most a call to a service that needs no signature (health, reflection) may send, over its whole stream.</summary>
    internal const long MaxUnsignedBodyBytes = 64 * 1024;

    /// <summary>The key verified against for ids that cannot authenticate; its private half was discarded at start-up.</summary>
    private static readonly byte[] NobodysKey = NewNobodysKey();

    /// <summary>The one message every unknown, revoked or badly signed call gets, so that ids cannot be enumerated.</summary>
    internal const string NotAuthenticatedMessage = "The call could not be authenticated: the client is not enrolled or is revoked, or the signature does not verify over the call's headers.";

    /// <summary>The message of a call whose body is not the one its signed hash names.</summary>
    internal const string BodyHashMismatchMessage = "The request message does not match its signed SHA-256 in x-privatefl-body-sha256.";

    /// <summary>The longest client id (specs/api.md: <c>[A-Za-z0-9._-]{1,64}</c>).</summary>
    private const int MaxClientIdLength = 64;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string path = context.Request.Path.Value ?? string.Empty;
        try
        {
            if (path.StartsWith(AdminPrefix, StringComparison.Ordinal))
            {
                await InvokeAdminAsync(context, path).ConfigureAwait(false);
            }
            else if (path.StartsWith(FederationPrefix, StringComparison.Ordinal))
            {
                await InvokeFederationAsync(context, path).ConfigureAwait(false);
            }
            else if (path.StartsWith(PackagePrefix, StringComparison.OrdinalIgnoreCase) || context.GetEndpoint()?.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method.ServiceName.StartsWith("privatefl.v1.", StringComparison.Ordinal) == true)
            {
                // gRPC routing matches a path without regard to case (OrdinalIgnoreCase, as this check), so
                // /privatefl.v1.federation/… would reach a PrivateFl method past every check above, its body read and
                // parsed by gRPC before anything refused it (review of issue 10: +671 MB for 40 such 16 MiB calls).
                // Only exact method names are served; the body of any other is never read.
                LogClientRejected(logger, path, "(not checked)", "method path not in its exact letter case");
                await RefuseAsync(context, Code.Unimplemented, CallRefusals.MethodNameNotExact, "PrivateFl method names are case-sensitive: call /privatefl.v1.Federation/<Method> or /privatefl.v1.Admin/<Method> exactly.").ConfigureAwait(false);
            }
            else if (context.GetEndpoint()?.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>() is { } other)
            {
                await InvokeOtherServiceAsync(context, path, other).ConfigureAwait(false);
            }
            else
            {
                await next(context).ConfigureAwait(false);
            }
        }
        catch (System.Data.Common.DbException ex) when (!context.Response.HasStarted)
        {
            // The client lookup or the nonce record failed (SQLite or PostgreSQL): a precise status instead of an HTTP 500.
            LogStorageFailed(logger, path, ex is Microsoft.Data.Sqlite.SqliteException sqlite ? sqlite.SqliteErrorCode : -1);
            await GrpcRefusalWriter.WriteAsync(context, RpcErrors.StorageFailed(ex)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The services that need no signature (the gRPC health service, and reflection when configured) are served on
    /// their exact method paths only, and their requests may hold at most <see cref="MaxUnsignedBodyBytes"/>: gRPC
    /// routing ignores letter case, and nobody who calls them unsigned should make the server read a large body.
    /// </summary>
    private Task InvokeOtherServiceAsync(HttpContext context, string path, Grpc.AspNetCore.Server.GrpcMethodMetadata method)
    {
        if (!string.Equals(path, method.Method.FullName, StringComparison.Ordinal))
        {
            LogClientRejected(logger, path, "(not checked)", "method path not in its exact letter case");
            return RefuseAsync(context, Code.Unimplemented, CallRefusals.MethodNameNotExact, $"Method names are case-sensitive: call {method.Method.FullName} exactly.");
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxUnsignedBodyBytes;
        }

        return next(context);
    }

    private async Task InvokeAdminAsync(HttpContext context, string path)
    {
        string presented = context.Request.Headers[AdminKeyHeader].ToString();
        if (!AdminKeyCheck.Matches(options.Value.AdminApiKey, presented))
        {
            LogAdminRejected(logger, path);
            await (audit?.RecordAsync(Observability.AdminAudit.Unauthenticated, context.Connection.RemoteIpAddress?.ToString(), path[AdminPrefix.Length..], string.Empty, $"UNAUTHENTICATED {CallRefusals.AdminKey}") ?? Task.CompletedTask).ConfigureAwait(false);
            await RefuseAsync(context, Code.Unauthenticated, CallRefusals.AdminKey, $"The admin API key in '{AdminKeyHeader}' is missing or wrong.").ConfigureAwait(false);
            return;
        }

        MethodDescriptor? method = PrivateFl.Protocol.V1.Admin.Descriptor.FindMethodByName(path[AdminPrefix.Length..]);
        await ForwardWithBodyAsync(context, method, signedBodyHash: null).ConfigureAwait(false);
    }

    private async Task InvokeFederationAsync(HttpContext context, string path)
    {
        IHeaderDictionary headers = context.Request.Headers;
        string clientId = headers[CallSignature.ClientHeader].ToString();
        string timestampText = headers[CallSignature.TimestampHeader].ToString();
        string nonceText = headers[CallSignature.NonceHeader].ToString();
        string bodyHashText = headers[CallSignature.BodyHashHeader].ToString();
        string signatureText = headers[CallSignature.SignatureHeader].ToString();
        if (clientId.Length == 0 || timestampText.Length == 0 || nonceText.Length == 0 || bodyHashText.Length == 0 || signatureText.Length == 0)
        {
            await RejectAsync(context, path, clientId, CallRefusals.MissingOrMalformedHeaders, $"The call must carry the headers {CallSignature.ClientHeader}, {CallSignature.TimestampHeader}, {CallSignature.NonceHeader}, {CallSignature.BodyHashHeader} and {CallSignature.SignatureHeader}.").ConfigureAwait(false);
            return;
        }

        byte[] nonce = new byte[CallSignature.NonceSize];
        byte[] bodyHash = new byte[SHA256.HashSizeInBytes];
        byte[] signature = new byte[Signatures.SignatureSize];
        if (!IsClientId(clientId)
            || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp)
            || nonceText.Length != 2 * CallSignature.NonceSize || Convert.FromHexString(nonceText, nonce, out _, out _) != OperationStatus.Done
            || !TryParseBodyHash(bodyHashText, bodyHash)
            || !Convert.TryFromBase64String(signatureText, signature, out int signatureLength) || signatureLength != Signatures.SignatureSize)
        {
            await RejectAsync(context, path, IsClientId(clientId) ? clientId : "(malformed)", CallRefusals.MissingOrMalformedHeaders, $"{CallSignature.ClientHeader} must match [A-Za-z0-9._-]{{1,{MaxClientIdLength}}}, {CallSignature.TimestampHeader} be decimal Unix milliseconds, {CallSignature.NonceHeader} {CallSignature.NonceSize} bytes in hex, {CallSignature.BodyHashHeader} {2 * SHA256.HashSizeInBytes} lowercase hex digits and {CallSignature.SignatureHeader} a base64 {Signatures.SignatureSize}-byte signature.").ConfigureAwait(false);
            return;
        }

        ServerOptions limits = options.Value;
        if (Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - timestamp) > limits.ClockSkew.TotalMilliseconds)
        {
            await RejectAsync(context, path, clientId, CallRefusals.ClockSkew, $"The call's timestamp is more than {limits.ClockSkew} from the server's clock.").ConfigureAwait(false);
            return;
        }

        if (!limiter.TryEnterUnauthenticated())
        {
            LogCallLimited(logger, path, clientId, CallRefusals.ServerBusy);
            await RefuseAsync(context, Code.ResourceExhausted, CallRefusals.ServerBusy, "The server is at its limit of calls whose signature is being checked (ServerOptions:MaxConcurrentUnauthenticatedCalls); retry later.").ConfigureAwait(false);
            return;
        }

        bool verified;
        EnrolledClient? client;
        try
        {
            client = await store.FindClientAsync(clientId, context.RequestAborted).ConfigureAwait(false);
            bool usable = client is { Revoked: false, Suspended: false };

            // One verification on every path, so that an unknown id costs the same time as a bad signature; the signed
            // string covers the body's hash from the header, so neither path reads the body.
            verified = verifier.Verify(usable ? client!.IdentityPublicKey.Span : NobodysKey, CallSignature.PayloadForBodyHash(path, clientId, timestamp, nonce, bodyHash), signature) && usable;
        }
        finally
        {
            limiter.ExitUnauthenticated();
        }

        if (!verified)
        {
            LogClientRejected(logger, path, clientId, client is null ? "not enrolled" : client.Revoked ? "revoked" : client.Suspended ? "suspended for repeated protocol violations" : "signature does not verify");
            await RefuseAsync(context, Code.Unauthenticated, CallRefusals.NotAuthenticated, NotAuthenticatedMessage).ConfigureAwait(false);
            return;
        }

        string? busy = limiter.TryEnter(clientId);
        if (busy is not null)
        {
            LogCallLimited(logger, path, clientId, busy);
            await RefuseAsync(context, Code.ResourceExhausted, busy, busy == CallRefusals.ClientBusy
                ? $"Client '{clientId}' already has {limits.MaxConcurrentCallsPerClient} calls in flight (ServerOptions:MaxConcurrentCallsPerClient); retry when one ends."
                : "The server is at its limit of calls in flight (ServerOptions:MaxConcurrentCalls); retry later.").ConfigureAwait(false);
            return;
        }

        try
        {
            // Recorded before the body is read: the signed headers are spent once they verified, so a replay is
            // refused whatever body it carries, and a captured call cannot be used to make the server read bodies.
            if (!await replays.TryUseAsync(clientId, nonce, timestamp, limits.ClockSkew, context.RequestAborted).ConfigureAwait(false))
            {
                LogClientRejected(logger, path, clientId, "replayed nonce");
                await RefuseAsync(context, Code.Unauthenticated, CallRefusals.Replayed, "The call was already received (replayed nonce).").ConfigureAwait(false);
                return;
            }

            context.Features.Set(new AuthenticatedClientFeature(clientId));
            MethodDescriptor? method = PrivateFl.Protocol.V1.Federation.Descriptor.FindMethodByName(path[FederationPrefix.Length..]);
            await ForwardWithBodyAsync(context, method, bodyHash).ConfigureAwait(false);
        }
        finally
        {
            limiter.Exit(clientId);
        }
    }

    /// <summary>
    /// Reads the single gRPC frame under the byte budget, checks that the SHA-256 of its message bytes is
    /// <paramref name="signedBodyHash"/> (when given) and that they parse as the method's request type, and calls the
    /// next middleware with the same frame as the body.
    /// </summary>
    /// <param name="context">The call.</param>
    /// <param name="method">The method called, if it exists.</param>
    /// <param name="signedBodyHash">The verified hash of the message bytes from the call's headers; null for admin calls.</param>
    private async Task ForwardWithBodyAsync(HttpContext context, MethodDescriptor? method, byte[]? signedBodyHash)
    {
        ServerOptions limits = options.Value;
        PipeReader body = context.Request.BodyReader;
        CancellationToken aborted = context.RequestAborted;
        ReadResult read;
        ReadOnlySequence<byte> buffer;
        uint length;
        long reserved;
        byte[] bytes;
        ReleasingBodyStream? frame = null;
        using IncrementalHash? hash = signedBodyHash is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        bool extra = false;
        try
        {
            read = await body.ReadAtLeastAsync(FramePrefixSize, aborted).ConfigureAwait(false);
            buffer = read.Buffer;
            if (buffer.Length < FramePrefixSize)
            {
                body.AdvanceTo(buffer.Start, buffer.End);
                await RefuseAsync(context, Code.InvalidArgument, CallRefusals.MalformedMessage, $"The request body holds {buffer.Length} bytes; a gRPC message needs a 5-byte prefix.", Field("request", "is missing or truncated.")).ConfigureAwait(false);
                return;
            }

            Span<byte> prefix = stackalloc byte[FramePrefixSize];
            buffer.Slice(0, FramePrefixSize).CopyTo(prefix);
            body.AdvanceTo(buffer.Start, buffer.End);
            if (prefix[0] != 0)
            {
                // Decompression would let a few kilobytes on the wire become MaxMessageBytes in memory for anyone.
                await RefuseAsync(context, Code.Unimplemented, CallRefusals.Compressed, "Compressed requests are not accepted; send the message uncompressed.").ConfigureAwait(false);
                return;
            }

            length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
            if (length > (uint)limits.MaxMessageBytes)
            {
                await RefuseAsync(context, Code.ResourceExhausted, CallRefusals.TooLarge, $"The request message has {length} bytes; the limit is ServerOptions:MaxMessageBytes = {limits.MaxMessageBytes}.").ConfigureAwait(false);
                return;
            }

            reserved = FramePrefixSize + (long)length;
            if (!await limiter.ReserveBytesAsync(reserved, limits.MaxBufferedRequestWait, aborted).ConfigureAwait(false))
            {
                await RefuseAsync(context, Code.ResourceExhausted, CallRefusals.ServerBusy, "The server holds its limit of request bytes (ServerOptions:MaxBufferedRequestBytes) and none was returned within ServerOptions:MaxBufferedRequestWait; retry later.").ConfigureAwait(false);
                return;
            }

            long held = reserved;
            bytes = GC.AllocateUninitializedArray<byte>((int)reserved);
            frame = new ReleasingBodyStream(bytes, bytes.Length, () => limiter.ReleaseBytes(held));
            while (true)
            {
                read = await body.ReadAsync(aborted).ConfigureAwait(false);
                buffer = read.Buffer;
                long take = Math.Min(buffer.Length, reserved - received);
                ReadOnlySequence<byte> taken = buffer.Slice(0, take);
                taken.CopyTo(bytes.AsSpan((int)received));
                if (hash is not null)
                {
                    AppendMessageBytes(hash, taken, received);
                }

                received += take;
                extra |= buffer.Length > take;
                body.AdvanceTo(buffer.End);
                if (read.IsCompleted || extra)
                {
                    break;
                }
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            // Kestrel's own limits (body size, minimum data rate) while reading.
            frame?.Release();
            await RefuseAsync(context, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? Code.ResourceExhausted : Code.InvalidArgument, CallRefusals.MalformedMessage, "The request body could not be read: " + ex.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The caller went away; there is no one to answer.
            frame?.Release();
            return;
        }

        using ReleasingBodyStream owned = frame;
        if (received != reserved || extra)
        {
            string problem = extra
                ? "The request body holds more than the one message of a unary call."
                : $"The request message is truncated: its prefix announces {length} bytes, {received - FramePrefixSize} arrived.";
            await RefuseAsync(context, Code.InvalidArgument, CallRefusals.MalformedMessage, problem, Field("request", extra ? "holds more than one message." : "is truncated.")).ConfigureAwait(false);
            return;
        }

        if (hash is not null && !HashMatches(hash, signedBodyHash!))
        {
            LogClientRejected(logger, context.Request.Path.Value ?? string.Empty, context.Features.Get<AuthenticatedClientFeature>()?.ClientId ?? "(none)", "the body does not match its signed hash");
            await RefuseAsync(context, Code.Unauthenticated, CallRefusals.BodyHashMismatch, BodyHashMismatchMessage).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<byte> message = bytes.AsMemory(FramePrefixSize, (int)length);
        if (method is not null && !Parses(method.InputType, message, out string? error))
        {
            await RefuseAsync(context, Code.InvalidArgument, CallRefusals.MalformedMessage, $"The request is not a valid {method.InputType.FullName} message: {error}", Field("request", $"is not a valid {method.InputType.FullName}: {error}")).ConfigureAwait(false);
            return;
        }

        context.Request.Body = owned;
        context.Request.Headers.ContentLength = null;
        await next(context).ConfigureAwait(false);
    }

    private static bool HashMatches(IncrementalHash hash, byte[] expected)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The body hash header: exactly 64 lowercase hex digits, so that one header value maps to one signed hash.</summary>
    private static bool TryParseBodyHash(string text, Span<byte> hash)
    {
        if (text.Length != 2 * SHA256.HashSizeInBytes)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return Convert.FromHexString(text, hash, out _, out _) == OperationStatus.Done;
    }

    private static bool IsClientId(string clientId)
    {
        if (clientId.Length is 0 or > MaxClientIdLength)
        {
            return false;
        }

        foreach (char c in clientId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hashes the part of <paramref name="chunk"/> (at <paramref name="frameOffset"/> in the frame) that follows the 5-byte prefix.</summary>
    private static void AppendMessageBytes(IncrementalHash hash, ReadOnlySequence<byte> chunk, long frameOffset)
    {
        foreach (ReadOnlyMemory<byte> segment in chunk)
        {
            int skip = (int)Math.Clamp(FramePrefixSize - frameOffset, 0, segment.Length);
            hash.AppendData(segment.Span[skip..]);
            frameOffset += segment.Length;
        }
    }

    private static byte[] NewNobodysKey()
    {
        using SigningKey key = SigningKey.Generate();
        return key.PublicKey.ToArray();
    }

    private static bool Parses(MessageDescriptor type, ReadOnlyMemory<byte> message, out string? error)
    {
        try
        {
            type.Parser.ParseFrom(message.Span);
            error = null;
            return true;
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (ArgumentException)
        {
            // Invalid UTF-8 in a string field surfaces as a DecoderFallbackException.
            error = "a string field is not valid UTF-8.";
            return false;
        }
    }

    private static BadRequest Field(string field, string description) =>
        new() { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } } };

    private Task RejectAsync(HttpContext context, string path, string clientId, string reason, string message)
    {
        LogClientRejected(logger, path, clientId.Length == 0 ? "(none)" : clientId, message);
        return RefuseAsync(context, Code.Unauthenticated, reason, message);
    }

    private static Task RefuseAsync(HttpContext context, Code code, string reason, string message, BadRequest? badRequest = null) =>
        GrpcRefusalWriter.WriteAsync(context, RpcErrors.StatusWithReason(code, reason, message, badRequest));

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, EventName = "ClientCallRejected", Message = "Call {Method} from client {ClientId} rejected: {Reason}")]
    private static partial void LogClientRejected(ILogger logger, string method, string clientId, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, EventName = "AdminCallRejected", Message = "Admin call {Method} rejected: wrong or missing API key.")]
    private static partial void LogAdminRejected(ILogger logger, string method);

    [LoggerMessage(EventId = 205, Level = LogLevel.Error, EventName = "StorageFailed", Message = "Call {Method} failed in the database (SQLite error {SqliteError}).")]
    private static partial void LogStorageFailed(ILogger logger, string method, int sqliteError);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, EventName = "CallLimited", Message = "Call {Method} from client {ClientId} refused: {Reason}.")]
    private static partial void LogCallLimited(ILogger logger, string method, string clientId, string reason);
}
