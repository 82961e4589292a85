using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Which TLS server certificates a client accepts beyond the machine's trust store, and the certificate it presents:
/// a CA bundle (PEM) the server's chain must end in, a pinned SHA-256 of the server's certificate or of its public key
/// (SPKI), and a client certificate (PEM, key in the same or a separate PEM file). Set on one connection's handler, so a
/// self-signed server is reached without a process-wide setting such as <c>SSL_CERT_FILE</c>.
/// </summary>
/// <remarks>
/// The SDK and the admin CLI compile this one file (the CLI links it), so both trust a server the same way.
/// With a pin alone, the chain and the host name are not checked: the pinned certificate or key is the server's
/// identity, which is what a pin to a self-signed certificate means. With a CA bundle, the chain must end in one of its
/// certificates and the certificate must name the host. With both, both must hold. A rejection throws
/// <see cref="AuthenticationException"/> from the validation callback, so the reason (and the setting to change)
/// reaches the caller's error message instead of the runtime's generic "rejected by the callback".
/// </remarks>
internal sealed class ServerTrust
{
    /// <summary>The size of a SHA-256 pin, in bytes.</summary>
    public const int PinSize = 32;

    private readonly X509Certificate2Collection? _roots;
    private readonly byte[]? _pin;
    private readonly X509Certificate2? _clientCertificate;
    private readonly Names _names;

    private ServerTrust(X509Certificate2Collection? roots, byte[]? pin, X509Certificate2? clientCertificate, Names names)
    {
        _roots = roots;
        _pin = pin;
        _clientCertificate = clientCertificate;
        _names = names;
    }

    /// <summary>The names of the four settings as the user spells them, for messages.</summary>
    /// <param name="CaFile">The CA bundle's setting.</param>
    /// <param name="Pin">The pin's setting.</param>
    /// <param name="ClientCertificate">The client certificate's setting.</param>
    /// <param name="ClientKey">The client key's setting.</param>
    public sealed record Names(string CaFile, string Pin, string ClientCertificate, string ClientKey);

    /// <summary>Whether any of the settings is given.</summary>
    public static bool AnyGiven(string? caFile, string? pin, string? certificateFile, string? keyFile) =>
        !string.IsNullOrWhiteSpace(caFile) || !string.IsNullOrWhiteSpace(pin) || !string.IsNullOrWhiteSpace(certificateFile) || !string.IsNullOrWhiteSpace(keyFile);

    /// <summary>What is wrong with the settings, naming the setting; null when they can be used (or none is given).</summary>
    public static string? Check(Uri server, string? caFile, string? pin, string? certificateFile, string? keyFile, Names names)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(names);
        if (!AnyGiven(caFile, pin, certificateFile, keyFile))
        {
            return null;
        }

        if (server.Scheme != Uri.UriSchemeHttps)
        {
            return $"{names.CaFile}, {names.Pin}, {names.ClientCertificate} and {names.ClientKey} apply to TLS only: the server address '{server}' must use https://.";
        }

        try
        {
            Create(caFile, pin, certificateFile, keyFile, names);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Loads the settings; null when none is given.</summary>
    /// <exception cref="ArgumentException">A file is missing or unreadable, or the pin is not a SHA-256; the message names the setting.</exception>
    public static ServerTrust? Create(string? caFile, string? pin, string? certificateFile, string? keyFile, Names names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (!AnyGiven(caFile, pin, certificateFile, keyFile))
        {
            return null;
        }

        X509Certificate2Collection? roots = string.IsNullOrWhiteSpace(caFile) ? null : LoadRoots(caFile, names.CaFile);
        byte[]? pinBytes = string.IsNullOrWhiteSpace(pin) ? null : ParsePin(pin, names.Pin);
        X509Certificate2? client = null;
        if (!string.IsNullOrWhiteSpace(keyFile) && string.IsNullOrWhiteSpace(certificateFile))
        {
            throw new ArgumentException($"{names.ClientKey} is set, so {names.ClientCertificate} must name the PEM certificate of that key.", nameof(certificateFile));
        }

        if (!string.IsNullOrWhiteSpace(certificateFile))
        {
            client = LoadClientCertificate(certificateFile, string.IsNullOrWhiteSpace(keyFile) ? null : keyFile, names);
        }

        return new ServerTrust(roots, pinBytes, client, names);
    }

    /// <summary>Makes <paramref name="handler"/> present the client certificate and accept servers by these settings.</summary>
    public void Configure(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [_clientCertificate];
        }

        if (_roots is not null || _pin is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors);
        }
    }

    /// <summary>Whether the server's certificate is accepted; throws <see cref="AuthenticationException"/> saying why not.</summary>
    internal bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            throw new AuthenticationException("The server presented no TLS certificate.");
        }

        using X509Certificate2 server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (_pin is not null)
        {
            byte[] certificateHash = SHA256.HashData(server.RawData);
            byte[] keyHash = SHA256.HashData(server.PublicKey.ExportSubjectPublicKeyInfo());
            if (!CryptographicOperations.FixedTimeEquals(certificateHash, _pin) && !CryptographicOperations.FixedTimeEquals(keyHash, _pin))
            {
                throw new AuthenticationException($"The server's TLS certificate is not the pinned one ({_names.Pin}): its SHA-256 is {Convert.ToHexStringLower(certificateHash)} and its public key's (SPKI) is {Convert.ToHexStringLower(keyHash)}.");
            }

            if (_roots is null)
            {
                return true;
            }
        }

        if (_roots is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            throw new AuthenticationException($"The server's TLS certificate ({server.Subject}) does not name the host that was called.");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);

        // A private CA rarely publishes revocation lists; the bundle itself is what the operator vouches for.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!custom.Build(server))
        {
            string status = string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
            throw new AuthenticationException($"The server's TLS certificate ({server.Subject}) does not chain to a certificate of {_names.CaFile}: {(status.Length == 0 ? "no chain" : status)}.");
        }

        return true;
    }

    private static X509Certificate2Collection LoadRoots(string path, string setting)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"{setting} '{path}' cannot be read as a PEM certificate bundle: {ex.Message}", nameof(path), ex);
        }

        return roots.Count > 0
            ? roots
            : throw new ArgumentException($"{setting} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).", nameof(path));
    }

    private static byte[] ParsePin(string pin, string setting)
    {
        // Accepted as printed by tools: hex in either case, optionally in colon-separated pairs (openssl x509 -fingerprint).
        string hex = pin.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 2 * PinSize || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"{setting} must be the SHA-256 of the server's certificate or public key (SPKI): 64 hex digits, optionally in colon-separated pairs; got {pin.Length} characters.", nameof(pin));
        }

        return Convert.FromHexString(hex);
    }

    private static X509Certificate2 LoadClientCertificate(string certificateFile, string? keyFile, Names names)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The runtime's message names no setting and never the key's content.
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{names.ClientCertificate} '{certificateFile}' with {(keyFile is null ? "its key in the same file" : $"{names.ClientKey} '{keyFile}'")} cannot be loaded as a PEM certificate and private key: {ex.Message}"), nameof(certificateFile), ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"{names.ClientCertificate} '{certificateFile}' has no private key: set {names.ClientKey} to its PEM key file.", nameof(keyFile));
        }

        return certificate;
    }
}
