using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// One connection to the aggregation server, with the settings resolved from options and environment: the admin client
/// (its key in the <c>x-privatefl-admin-key</c> header of every call), the health client, and the trust settings a
/// bank's <see cref="FederatedClient"/> gets too.
/// </summary>
internal sealed class ServerConnection : IDisposable
{
    /// <summary>The header the server reads the admin key from (specs/proto/privatefl/v1/admin.proto).</summary>
    public const string AdminKeyHeader = "x-privatefl-admin-key";

    private static readonly ServerTrust.Names TrustNames = new(
        "--ca-file (PRIVATEFL_CA_FILE)",
        "--pin-sha256 (PRIVATEFL_PIN_SHA256)",
        "--client-cert (PRIVATEFL_CLIENT_CERT)",
        "--client-key (PRIVATEFL_CLIENT_KEY)");

    private readonly GrpcChannel _channel;
    private readonly string? _adminKey;

    private ServerConnection(Uri server, string? adminKey, TimeSpan timeout, string? caFile, string? pin, string? certificate, string? key, GrpcChannel channel)
    {
        Server = server;
        _adminKey = adminKey;
        Timeout = timeout;
        CaFile = caFile;
        Pin = pin;
        ClientCertificate = certificate;
        ClientKey = key;
        _channel = channel;
        Admin = new Admin.AdminClient(channel);
        Health = new Health.Health.HealthClient(channel);
    }

    /// <summary>Gets the server's address.</summary>
    public Uri Server { get; }

    /// <summary>Gets how long one call may take.</summary>
    public TimeSpan Timeout { get; }

    public string? CaFile { get; }

    public string? Pin { get; }

    public string? ClientCertificate { get; }

    public string? ClientKey { get; }

    public Admin.AdminClient Admin { get; }

    public Health.Health.HealthClient Health { get; }

    /// <summary>Gets whether an admin key was given.</summary>
    public bool HasAdminKey => _adminKey is not null;

    /// <summary>Resolves the settings (option first, then environment variable) and opens the channel.</summary>
    /// <exception cref="CliException">A setting is missing or invalid (exit 2).</exception>
    public static ServerConnection Open(CliSettings settings, CliEnvironment environment)
    {
        string address = settings.Server ?? environment.Variable("PRIVATEFL_SERVER") ?? "http://127.0.0.1:5080";
        if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? server) || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"--server (PRIVATEFL_SERVER) must be an absolute http:// or https:// address; got '{address}'.");
        }

        string? adminKey = settings.AdminKey ?? environment.Variable("PRIVATEFL_ADMIN_KEY");
        if (adminKey is not null && server.Scheme == Uri.UriSchemeHttp && !IsLoopback(server))
        {
            // The key would cross the network in clear text, as the server refuses plaintext off loopback anyway.
            throw new CliException($"--server '{server}' must use https://: the admin key is sent over plain HTTP only to a loopback address.");
        }

        string? caFile = settings.CaFile ?? environment.Variable("PRIVATEFL_CA_FILE");
        string? pin = settings.PinSha256 ?? environment.Variable("PRIVATEFL_PIN_SHA256");
        string? certificate = settings.ClientCertificate ?? environment.Variable("PRIVATEFL_CLIENT_CERT");
        string? key = settings.ClientKey ?? environment.Variable("PRIVATEFL_CLIENT_KEY");
        if (ServerTrust.Check(server, caFile, pin, certificate, key, TrustNames) is { } problem)
        {
            throw new CliException(problem);
        }

        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var handler = new SocketsHttpHandler { ConnectTimeout = timeout };
        ServerTrust.Create(caFile, pin, certificate, key, TrustNames)?.Configure(handler);
        GrpcChannel channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 64 * 1024 * 1024 });
        return new ServerConnection(server, adminKey, timeout, caFile, pin, certificate, key, channel);
    }

    /// <summary>The call options of an admin call: the key and a deadline.</summary>
    /// <exception cref="CliException">No admin key was given (exit 2).</exception>
    public CallOptions AdminCall(CancellationToken cancellationToken)
    {
        if (_adminKey is null)
        {
            throw new CliException("The admin key is missing: pass --admin-key or set PRIVATEFL_ADMIN_KEY.");
        }

        return new CallOptions(new Metadata { { AdminKeyHeader, _adminKey } }, DateTime.UtcNow + Timeout, cancellationToken);
    }

    /// <summary>The call options of a call without the admin key (the health service).</summary>
    public CallOptions PlainCall(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + Timeout, cancellationToken: cancellationToken);

    /// <summary>A bank's client with these trust settings, for the federation service's calls (models).</summary>
    /// <exception cref="CliException">The bank's id or identity key is missing or invalid (exit 2).</exception>
    public FederatedClient BankClient(string? clientId, string? identityKeyFile)
    {
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(identityKeyFile))
        {
            // Only enrolled banks may read models (the federation service authenticates every call by its signature).
            throw new CliException("Reading a model needs an enrolled bank's identity: pass --client-id and --identity-key (or set PRIVATEFL_CLIENT_ID and PRIVATEFL_IDENTITY_KEY).");
        }

        var options = new FederatedClientOptions
        {
            ServerAddress = Server,
            ClientId = clientId,
            IdentityKeyFile = identityKeyFile,
            MaxRetries = 1,
            TrustedCaFile = CaFile ?? string.Empty,
            PinnedServerCertificateSha256 = Pin ?? string.Empty,
            ClientCertificateFile = ClientCertificate ?? string.Empty,
            ClientKeyFile = ClientKey ?? string.Empty,
        };
        try
        {
            return new FederatedClient(options);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            // The SDK names its configuration keys; the user gave these as options.
            string message = ex.Message
                .Replace(" (Parameter 'options')", string.Empty, StringComparison.Ordinal)
                .Replace(" (Parameter 'path')", string.Empty, StringComparison.Ordinal)
                .Replace("FederatedClientOptions:IdentityKeyFile", "--identity-key (PRIVATEFL_IDENTITY_KEY)", StringComparison.Ordinal)
                .Replace("FederatedClientOptions:ClientId", "--client-id (PRIVATEFL_CLIENT_ID)", StringComparison.Ordinal);
            throw new CliException(message, ExitCodes.BadArguments, ex);
        }
    }

    public void Dispose() => _channel.Dispose();

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
}
