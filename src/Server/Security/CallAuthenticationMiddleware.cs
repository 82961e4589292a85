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
/// Authenticates every PrivateFl gRPC call before its body is buffered or gRPC sees it (specs/api.md,
/// "Authentication" and "Limits"). For the federation service it checks everything the headers allow (all four
/// signing headers well-formed, timestamp within the clock skew), admits the call under the limit of unauthenticated
/// calls, reads the one length-prefixed gRPC message with a hard size cap (compressed messages are refused), verifies
/// the Ed25519 signature over SHA-256 of exactly those message bytes, only then counts the call against its client's
/// and the total limit, records the nonce durably, checks that the bytes parse as the method's request type, and
/// hands the same bytes on. Admin calls are checked for the API key before their body is read.
/// </summary>
/// <remarks>
/// A call of an unknown, revoked or suspended id takes the same path as a badly signed one: its body is read and
/// hashed, counted against the same byte budget, and its signature is verified once, against a fixed key nobody
/// holds; only the body is not kept. Refusing such an id from its headers would answer measurably sooner and so tell
/// which ids are enrolled, and counting a call against its claimed id before the signature verified would let anyone
/// who knows an id hold that bank's calls.
/// </remarks>
internal sealed partial class CallAuthenticationMiddleware(
    RequestDelegate next,
    IFederationStore store,
    IOptions<ServerOptions> options,
    ReplayCache replays,
    CallLimiter limiter,
    ICallSignatureVerifier verifier,
    TimeProvider time,
    ILogger<CallAuthenticationMiddleware> logger)
{
    /// <summary>The metadata entry holding the operator's API key.</summary>
    public const string AdminKeyHeader = "x-privatefl-admin-key";

    private const string FederationPrefix = "/privatefl.v1.Federation/";
    private const string AdminPrefix = "/privatefl.v1.Admin/";
    private const int FramePrefixSize = 5;

    /// <summary>The one message every unknown, revoked or badly signed call gets, so that ids cannot be enumerated.</summary>
    /// <summary>The key verified against for ids that cannot authenticate; its private half was discarded at start-up.</summary>
    private static readonly byte[] NobodysKey = NewNobodysKey();

    [ThreadStatic]
    private static byte[]? t_scratch;

    internal const string NotAuthenticatedMessage = "The call could not be authenticated: the client is not enrolled or is revoked, or the signature does not verify over the request bytes.";

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
            else
            {
                await next(context).ConfigureAwait(false);
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (!context.Response.HasStarted)
        {
            // The client lookup or the nonce record failed: a precise status instead of an HTTP 500.
            LogStorageFailed(logger, path, ex.SqliteErrorCode);
            await GrpcRefusalWriter.WriteAsync(context, RpcErrors.StorageFailed(ex)).ConfigureAwait(false);
        }
    }

    private async Task InvokeAdminAsync(HttpContext context, string path)
    {
        string presented = context.Request.Headers[AdminKeyHeader].ToString();
        byte[] expected = System.Text.Encoding.UTF8.GetBytes(options.Value.AdminApiKey);
        byte[] actual = System.Text.Encoding.UTF8.GetBytes(presented);
        if (expected.Length != actual.Length || !CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            LogAdminRejected(logger, path);
            await RefuseAsync(context, Code.Unauthenticated, CallRefusals.AdminKey, $"The admin API key in '{AdminKeyHeader}' is missing or wrong.").ConfigureAwait(false);
            return;
        }

        MethodDescriptor? method = PrivateFl.Protocol.V1.Admin.Descriptor.FindMethodByName(path[AdminPrefix.Length..]);
        await ForwardWithBodyAsync(context, method, keepBody: true, verify: null).ConfigureAwait(false);
    }

    private async Task InvokeFederationAsync(HttpContext context, string path)
    {
        IHeaderDictionary headers = context.Request.Headers;
        string clientId = headers[CallSignature.ClientHeader].ToString();
        string timestampText = headers[CallSignature.TimestampHeader].ToString();
        string nonceText = headers[CallSignature.NonceHeader].ToString();
        string signatureText = headers[CallSignature.SignatureHeader].ToString();
        if (clientId.Length == 0 || timestampText.Length == 0 || nonceText.Length == 0 || signatureText.Length == 0)
        {
            await RejectAsync(context, path, clientId, CallRefusals.MissingOrMalformedHeaders, $"The call must carry the headers {CallSignature.ClientHeader}, {CallSignature.TimestampHeader}, {CallSignature.NonceHeader} and {CallSignature.SignatureHeader}.").ConfigureAwait(false);
            return;
        }

        byte[] nonce = new byte[CallSignature.NonceSize];
        byte[] signature = new byte[Signatures.SignatureSize];
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp)
            || nonceText.Length != 2 * CallSignature.NonceSize || Convert.FromHexString(nonceText, nonce, out _, out _) != OperationStatus.Done
            || !Convert.TryFromBase64String(signatureText, signature, out int signatureLength) || signatureLength != Signatures.SignatureSize)
        {
            await RejectAsync(context, path, clientId, CallRefusals.MissingOrMalformedHeaders, $"{CallSignature.TimestampHeader} must be decimal Unix milliseconds, {CallSignature.NonceHeader} {CallSignature.NonceSize} bytes in hex and {CallSignature.SignatureHeader} a base64 {Signatures.SignatureSize}-byte signature.").ConfigureAwait(false);
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

        EnrolledClient? client = await store.FindClientAsync(clientId, context.RequestAborted).ConfigureAwait(false);
        bool usable = client is { Revoked: false, Suspended: false };
        bool unauthenticated = true;
        bool admitted = false;
        try
        {
            MethodDescriptor? method = PrivateFl.Protocol.V1.Federation.Descriptor.FindMethodByName(path[FederationPrefix.Length..]);
            await ForwardWithBodyAsync(context, method, keepBody: usable, async bodyHash =>
            {
                // One verification on every path, so that an unknown id costs the same time as a bad signature.
                bool verified = verifier.Verify(usable ? client!.IdentityPublicKey.Span : NobodysKey, CallSignature.PayloadForBodyHash(path, clientId, timestamp, nonce, bodyHash), signature);
                if (!verified || !usable)
                {
                    LogClientRejected(logger, path, clientId, client is null ? "not enrolled" : client.Revoked ? "revoked" : client.Suspended ? "suspended for repeated protocol violations" : "signature does not verify");
                    return RpcErrors.StatusWithReason(Code.Unauthenticated, CallRefusals.NotAuthenticated, NotAuthenticatedMessage);
                }

                limiter.ExitUnauthenticated();
                unauthenticated = false;
                string? busy = limiter.TryEnter(clientId);
                if (busy is not null)
                {
                    LogCallLimited(logger, path, clientId, busy);
                    return RpcErrors.StatusWithReason(Code.ResourceExhausted, busy, busy == CallRefusals.ClientBusy
                        ? $"Client '{clientId}' already has {limits.MaxConcurrentCallsPerClient} calls in flight (ServerOptions:MaxConcurrentCallsPerClient); retry when one ends."
                        : "The server is at its limit of calls in flight (ServerOptions:MaxConcurrentCalls); retry later.");
                }

                admitted = true;
                if (!await replays.TryUseAsync(clientId, nonce, timestamp, limits.ClockSkew, context.RequestAborted).ConfigureAwait(false))
                {
                    LogClientRejected(logger, path, clientId, "replayed nonce");
                    return RpcErrors.StatusWithReason(Code.Unauthenticated, CallRefusals.Replayed, "The call was already received (replayed nonce).");
                }

                context.Features.Set(new AuthenticatedClientFeature(clientId));
                return null;
            }).ConfigureAwait(false);
        }
        finally
        {
            if (unauthenticated)
            {
                limiter.ExitUnauthenticated();
            }

            if (admitted)
            {
                limiter.Exit(clientId);
            }
        }
    }

    /// <summary>
    /// Reads the single gRPC frame under the byte budget, runs <paramref name="verify"/> over the SHA-256 of the message
    /// bytes, checks they parse as the method's request type, and calls the next middleware with the same frame as the body.
    /// </summary>
    /// <param name="context">The call.</param>
    /// <param name="method">The method called, if it exists.</param>
    /// <param name="keepBody">False to read and hash the body without keeping it (a call that cannot authenticate); it still counts against the byte budget while it is read.</param>
    /// <param name="verify">Checks the call given the message's SHA-256; returns a refusal or null.</param>
    private async Task ForwardWithBodyAsync(HttpContext context, MethodDescriptor? method, bool keepBody, Func<byte[], Task<Google.Rpc.Status?>>? verify)
    {
        ServerOptions limits = options.Value;
        PipeReader body = context.Request.BodyReader;
        CancellationToken aborted = context.RequestAborted;
        ReadResult read;
        ReadOnlySequence<byte> buffer;
        uint length;
        long reserved;
        byte[]? bytes;
        ReleasingBodyStream? frame = null;
        using IncrementalHash? hash = verify is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
            bytes = keepBody ? GC.AllocateUninitializedArray<byte>((int)reserved) : null;
            frame = new ReleasingBodyStream(bytes ?? [], bytes?.Length ?? 0, () => limiter.ReleaseBytes(held));
            while (true)
            {
                read = await body.ReadAsync(aborted).ConfigureAwait(false);
                buffer = read.Buffer;
                long take = Math.Min(buffer.Length, reserved - received);
                ReadOnlySequence<byte> taken = buffer.Slice(0, take);
                if (bytes is not null)
                {
                    taken.CopyTo(bytes.AsSpan((int)received));
                }
                else
                {
                    CopyToScratch(taken);
                }

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

        if (hash is not null && verify is not null && await verify(hash.GetHashAndReset()).ConfigureAwait(false) is { } refusal)
        {
            await GrpcRefusalWriter.WriteAsync(context, refusal).ConfigureAwait(false);
            return;
        }

        if (bytes is null)
        {
            // Not reached: a body is dropped only for a call that cannot authenticate, which verify refuses.
            await RefuseAsync(context, Code.Unauthenticated, CallRefusals.NotAuthenticated, NotAuthenticatedMessage).ConfigureAwait(false);
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

    /// <summary>
    /// Copies a dropped body through a small per-thread buffer, so that dropping it costs about what keeping it
    /// costs (measured in docs/benchmarks.md) without holding its bytes.
    /// </summary>
    private static void CopyToScratch(ReadOnlySequence<byte> chunk)
    {
        byte[] scratch = t_scratch ??= new byte[64 * 1024];
        foreach (ReadOnlyMemory<byte> segment in chunk)
        {
            for (int offset = 0; offset < segment.Length; offset += scratch.Length)
            {
                ReadOnlySpan<byte> part = segment.Span[offset..];
                part[..Math.Min(part.Length, scratch.Length)].CopyTo(scratch);
            }
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
