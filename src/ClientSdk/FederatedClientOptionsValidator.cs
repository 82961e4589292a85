using System.Net;
using Microsoft.Extensions.Options;

namespace PrivateFl.ClientSdk;

/// <summary>Checks <see cref="FederatedClientOptions"/>, naming the setting that is wrong.</summary>
internal sealed class FederatedClientOptionsValidator : IValidateOptions<FederatedClientOptions>
{
    public ValidateOptionsResult Validate(string? name, FederatedClientOptions options)
    {
        string? problem = Check(options, keyGiven: false);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }

    public static string? Check(FederatedClientOptions options, bool keyGiven)
    {
        if (options.ServerAddress is null || !options.ServerAddress.IsAbsoluteUri || (options.ServerAddress.Scheme != Uri.UriSchemeHttps && options.ServerAddress.Scheme != Uri.UriSchemeHttp))
        {
            return "FederatedClientOptions:ServerAddress must be an absolute http:// or https:// address.";
        }

        if (options.ServerAddress.Scheme == Uri.UriSchemeHttp && !IsLoopback(options.ServerAddress))
        {
            return $"FederatedClientOptions:ServerAddress '{options.ServerAddress}' must use https://: plain HTTP is allowed only on loopback.";
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            return "FederatedClientOptions:ClientId must be set to the id this client was enrolled with.";
        }

        if (!keyGiven && (string.IsNullOrWhiteSpace(options.IdentityKeyFile) || !File.Exists(options.IdentityKeyFile)))
        {
            return $"FederatedClientOptions:IdentityKeyFile must name an existing file holding the identity key; got '{options.IdentityKeyFile}'.";
        }

        if (options.MaxRetries is < 0 or > 20)
        {
            return "FederatedClientOptions:MaxRetries must be 0 to 20.";
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RoundWaitTimeout <= TimeSpan.Zero)
        {
            return "FederatedClientOptions:RetryDelay and RoundWaitTimeout must be positive.";
        }

        if (!double.IsFinite(options.MaxEpsilon) || options.MaxEpsilon <= 0)
        {
            return "FederatedClientOptions:MaxEpsilon must be positive and finite.";
        }

        if (!(options.MaxDelta > 0 && options.MaxDelta < 1))
        {
            return "FederatedClientOptions:MaxDelta must be in (0, 1).";
        }

        if (options.MinimumCohortSize is < 3 or > 100_000)
        {
            return $"FederatedClientOptions:MinimumCohortSize must be 3 to 100000 (secure aggregation of fewer than 3 banks reveals inputs); got {options.MinimumCohortSize}.";
        }

        if (!(options.MinimumCorruptedFraction is >= 0 and < 1))
        {
            return "FederatedClientOptions:MinimumCorruptedFraction must be at least 0 and below 1.";
        }

        if (Transport.ServerTrust.Check(options.ServerAddress, options.TrustedCaFile, options.PinnedServerCertificateSha256, options.ClientCertificateFile, options.ClientKeyFile, TrustSettingNames) is { } trustProblem)
        {
            return trustProblem;
        }

        if (options.Interceptors.Contains(null!))
        {
            return "FederatedClientOptions:Interceptors must not contain null.";
        }

        if (string.IsNullOrWhiteSpace(options.LedgerDirectory))
        {
            return "FederatedClientOptions:LedgerDirectory must be set.";
        }

        return options.MaxMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024
            ? "FederatedClientOptions:MaxMessageBytes must be 64 KiB to 256 MiB."
            : null;
    }

    /// <summary>The TLS trust settings as configuration names them.</summary>
    internal static Transport.ServerTrust.Names TrustSettingNames { get; } = new(
        "FederatedClientOptions:TrustedCaFile",
        "FederatedClientOptions:PinnedServerCertificateSha256",
        "FederatedClientOptions:ClientCertificateFile",
        "FederatedClientOptions:ClientKeyFile");

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
}
