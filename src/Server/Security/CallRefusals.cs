namespace PrivateFl.Server.Security;

/// <summary>The <c>google.rpc.ErrorInfo</c> reasons of calls refused before any handler (specs/api.md, "Authentication" and "Limits").</summary>
internal static class CallRefusals
{
    /// <summary>A signing header is missing or malformed.</summary>
    public const string MissingOrMalformedHeaders = "CALL_HEADERS_INVALID";

    /// <summary>Unknown or revoked client, or a signature that does not verify: one reason and one message, so that a caller cannot tell which.</summary>
    public const string NotAuthenticated = "CALL_NOT_AUTHENTICATED";

    /// <summary>The signed timestamp is outside the clock-skew window.</summary>
    public const string ClockSkew = "CALL_TIMESTAMP_OUT_OF_WINDOW";

    /// <summary>The request message's SHA-256 differs from the signed <c>x-privatefl-body-sha256</c> header.</summary>
    public const string BodyHashMismatch = "BODY_HASH_MISMATCH";

    /// <summary>The nonce was already used by this client within the window (also before a restart).</summary>
    public const string Replayed = "CALL_REPLAYED";

    /// <summary>The admin API key is missing or wrong.</summary>
    public const string AdminKey = "ADMIN_KEY_INVALID";

    /// <summary>The client already has <c>ServerOptions:MaxConcurrentCallsPerClient</c> calls in flight.</summary>
    public const string ClientBusy = "CLIENT_CONCURRENCY_LIMIT";

    /// <summary>The server holds <c>ServerOptions:MaxConcurrentCalls</c> calls or <c>ServerOptions:MaxBufferedRequestBytes</c> bytes of bodies.</summary>
    public const string ServerBusy = "SERVER_CONCURRENCY_LIMIT";

    /// <summary>The request message is larger than <c>ServerOptions:MaxMessageBytes</c>.</summary>
    public const string TooLarge = "MESSAGE_TOO_LARGE";

    /// <summary>The request message is compressed; the server accepts only uncompressed requests.</summary>
    public const string Compressed = "REQUEST_COMPRESSION_REFUSED";

    /// <summary>
    /// The path names a PrivateFl method in another letter case than its exact name (gRPC routing matches paths without
    /// regard to case, the authentication does not, so such a call is refused before anything else).
    /// </summary>
    public const string MethodNameNotExact = "METHOD_NAME_NOT_EXACT";

    /// <summary>The body is not exactly one whole gRPC message frame, or the message is not valid protobuf for the method.</summary>
    public const string MalformedMessage = "MALFORMED_MESSAGE";

    /// <summary>A plaintext call arrived on a non-loopback address.</summary>
    public const string PlaintextRefused = "PLAINTEXT_REFUSED";
}
