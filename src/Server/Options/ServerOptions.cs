namespace PrivateFl.Server.Options;

/// <summary>How the server listens and whom it lets in. Bound from the <c>ServerOptions</c> configuration section.</summary>
public sealed class ServerOptions
{
    /// <summary>Gets or sets the address Kestrel listens on. Default: <c>http://127.0.0.1:5080</c>.</summary>
    /// <remarks>Plain HTTP/2 is allowed only on a loopback address; any other address needs <see cref="TlsCertificatePath"/>.</remarks>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Gets or sets the PKCS#12 (.pfx) certificate for TLS. Default: none (loopback only).</summary>
    public string TlsCertificatePath { get; set; } = string.Empty;

    /// <summary>Gets or sets the certificate's password. Default: none.</summary>
    public string TlsCertificatePassword { get; set; } = string.Empty;

    /// <summary>Gets or sets the key operators present in the <c>x-privatefl-admin-key</c> header; at least 16 characters. Default: none (required).</summary>
    public string AdminApiKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the largest message the server accepts or sends, in bytes. Default: 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets how far a call's signed timestamp may be from the server's clock. Default: 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many federation calls one client may have in flight at once, counted once their signature verified. Default: 4.</summary>
    /// <remarks>
    /// A bank needs one long poll (<c>WaitForRound</c> or a stage call) per session plus an occasional read; the cap
    /// bounds what one client id, or anyone who knows it, can make the server hold.
    /// </remarks>
    public int MaxConcurrentCallsPerClient { get; set; } = 4;

    /// <summary>Gets or sets how many authenticated federation calls the server has in flight at once, over all clients. Default: 10,000.</summary>
    /// <remarks>Every bank of a round holds one long poll, so this must exceed the largest round.</remarks>
    public int MaxConcurrentCalls { get; set; } = 10_000;

    /// <summary>Gets or sets how many federation calls may be in flight at once before their signature has verified, over all clients. Default: 2,000.</summary>
    /// <remarks>
    /// A call counts here from its headers until its signature verifies (reading its body and checking the signature),
    /// and only then against <see cref="MaxConcurrentCallsPerClient"/> and <see cref="MaxConcurrentCalls"/>: someone who
    /// knows an enrolled id but not its key can then neither use up that bank's calls nor the calls of verified banks.
    /// </remarks>
    public int MaxConcurrentUnauthenticatedCalls { get; set; } = 2_000;

    /// <summary>Gets or sets how many bytes of federation request bodies the server holds at once, over all calls. Default: 128 MiB.</summary>
    /// <remarks>
    /// Bodies are read only after the headers passed every check that needs no body (timestamp window, nonce and
    /// signature format, <see cref="MaxConcurrentUnauthenticatedCalls"/>); a call whose body would exceed the budget
    /// gets RESOURCE_EXHAUSTED. The body of a call whose client id is not enrolled (or revoked) is read and hashed for
    /// the same time as any other but not kept; it still counts against this budget while it is read, so that the
    /// answer does not tell whether an id is enrolled.
    /// At least <see cref="MaxMessageBytes"/>.
    /// </remarks>
    public long MaxBufferedRequestBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long a call whose body does not fit in <see cref="MaxBufferedRequestBytes"/> waits for other calls
    /// to return bytes before it gets RESOURCE_EXHAUSTED. Default: 10 s; 0 to 2 min (0 refuses at once).
    /// </summary>
    /// <remarks>
    /// Every bank sends its masked input at the end of the same stage: 500 banks with d = 10^5 send 200 MB at once. They
    /// queue for the budget (each body's bytes return as soon as gRPC has parsed it) instead of being dropped from the
    /// round; memory held at once stays bounded by the budget.
    /// </remarks>
    public TimeSpan MaxBufferedRequestWait { get; set; } = TimeSpan.FromSeconds(10);
}
