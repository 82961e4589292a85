using Grpc.Core.Interceptors;

namespace PrivateFl.ClientSdk;

/// <summary>How a bank's client reaches the aggregation server. Bound from the <c>FederatedClientOptions</c> configuration section.</summary>
public sealed class FederatedClientOptions
{
    /// <summary>Gets or sets the server's address, for example <c>https://fl.example.net</c>. Default: <c>http://127.0.0.1:5080</c>.</summary>
    /// <remarks>Plain <c>http://</c> is accepted only for a loopback address (development).</remarks>
    public Uri ServerAddress { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>Gets or sets the id this client was enrolled with. Default: none (required).</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the file holding the client's Ed25519 identity private key (32 bytes, raw or base64). Default: none;
    /// required unless the key is passed to the <see cref="FederatedClient"/> constructor.
    /// </summary>
    public string IdentityKeyFile { get; set; } = string.Empty;

    /// <summary>Gets or sets how many times a safe call (reading the session or a model, waiting for a round) is retried. Default: 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the first retry delay; each retry doubles it. Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets how long to wait for a round to open before giving up. Default: 10 minutes.</summary>
    public TimeSpan RoundWaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the largest message sent or received, in bytes. Default: 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the folder of this bank's own privacy ledger (one file per session), which survives restarts.
    /// Default: <c>PrivateFl/privacy-ledger</c> under the user's local application data.
    /// </summary>
    public string LedgerDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "PrivateFl", "privacy-ledger");

    /// <summary>
    /// Gets or sets the most ε this bank spends in one session, by its own accounting: it refuses any round that would
    /// exceed it, whatever the server's budget. Default: 4.
    /// </summary>
    public double MaxEpsilon { get; set; } = 4;

    /// <summary>Gets or sets the largest δ this bank accepts. Default: 10^−5.</summary>
    public double MaxDelta { get; set; } = 1e-5;

    /// <summary>
    /// Gets or sets the weakest secure-aggregation mode this bank accepts. <c>Active</c> refuses rounds without signed keys
    /// and the consistency check, which a malicious server could otherwise announce to downgrade the round. Default: <c>SemiHonest</c>.
    /// </summary>
    public PrivateFl.Crypto.SecAgg.SecAggMode MinimumSecAggMode { get; set; } = PrivateFl.Crypto.SecAgg.SecAggMode.SemiHonest;

    /// <summary>
    /// Gets or sets the smallest corrupted fraction γ this bank accepts in an announced round: the threshold t, and so how
    /// many colluding banks the round withstands, is derived from γ, which the server announces. A bank that fears up to a
    /// fraction f of colluding participants sets f here and refuses rounds announced with less. Default: 0 (any γ).
    /// </summary>
    public double MinimumCorruptedFraction { get; set; }

    /// <summary>
    /// Gets or sets the fewest banks this bank accepts in its cohort of a round. The server chooses each cohort's banks and
    /// sees each cohort's sum, so a cohort of this bank and a few colluders would expose this bank's update; the bank
    /// refuses a cohort smaller than this or than the session's own minimum cohort size, whichever is larger. Default: 3.
    /// </summary>
    public int MinimumCohortSize { get; set; } = 3;

    /// <summary>Gets or sets whether this bank refuses sessions without differential privacy. Default: false.</summary>
    public bool RequireDifferentialPrivacy { get; set; }

    /// <summary>Gets or sets the seed of local training's shuffling, for reproducible runs; null draws one. Default: null.</summary>
    public int? TrainingSeed { get; set; }

    /// <summary>
    /// Gets or sets a PEM file of CA certificates the server's TLS certificate must chain to, instead of the machine's
    /// trust store (a private CA, or a self-signed server certificate itself). Default: none (the machine's trust store).
    /// </summary>
    /// <remarks>The certificate must still name the server's host. Applies to this client's connection only.</remarks>
    public string TrustedCaFile { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the SHA-256 of the server's TLS certificate, or of its public key (SPKI), as 64 hex digits (optionally
    /// in colon-separated pairs). Default: none.
    /// </summary>
    /// <remarks>
    /// A pinned server is accepted by that hash alone, without chain or host-name checks; with <see cref="TrustedCaFile"/>
    /// also set, both must hold. Pin the public key to survive a re-issued certificate with the same key.
    /// </remarks>
    public string PinnedServerCertificateSha256 { get; set; } = string.Empty;

    /// <summary>Gets or sets a PEM certificate this client presents to the server (mutual TLS). Default: none.</summary>
    public string ClientCertificateFile { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the PEM private key of <see cref="ClientCertificateFile"/>. Default: none (the key is in the certificate's file).
    /// </summary>
    public string ClientKeyFile { get; set; } = string.Empty;

    /// <summary>
    /// Gets the gRPC interceptors every call of the client passes through, the first listed outermost: a bank adds its
    /// telemetry, auditing or proxy handling here. Read when the <see cref="FederatedClient"/> is created. Default: empty.
    /// </summary>
    /// <remarks>
    /// They see each call before the client signs it (specs/api.md, "Authentication"), so the signature covers the request
    /// and headers as they leave the last interceptor; a call one of them fails is lost like any failed call (a failed round
    /// stage loses the round, and the client joins the next one). Not bound from configuration.
    /// </remarks>
    public IList<Interceptor> Interceptors { get; } = [];
}
