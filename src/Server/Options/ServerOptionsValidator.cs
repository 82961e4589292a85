using Microsoft.Extensions.Options;

namespace PrivateFl.Server.Options;

/// <summary>Refuses to start with unsafe or impossible <see cref="ServerOptions"/>, naming the setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AdminApiKey) || options.AdminApiKey.Length < 16)
        {
            failures.Add("ServerOptions:AdminApiKey must be set to at least 16 characters.");
        }

        if (!Uri.TryCreate(options.Urls, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"ServerOptions:Urls must be one absolute http:// or https:// address; got '{options.Urls}'.");
        }
        else if (string.IsNullOrEmpty(options.TlsCertificatePath) && !IsLoopback(url))
        {
            failures.Add($"ServerOptions:TlsCertificatePath is required to listen on {url.Host}: plain HTTP/2 is allowed only on loopback.");
        }

        if (!string.IsNullOrEmpty(options.TlsCertificatePath) && !File.Exists(options.TlsCertificatePath))
        {
            failures.Add($"ServerOptions:TlsCertificatePath '{options.TlsCertificatePath}' does not exist.");
        }

        if (options.MaxMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            failures.Add($"ServerOptions:MaxMessageBytes must be 64 KiB to 256 MiB; got {options.MaxMessageBytes}.");
        }

        if (options.ClockSkew <= TimeSpan.Zero || options.ClockSkew > TimeSpan.FromHours(1))
        {
            failures.Add($"ServerOptions:ClockSkew must be positive and at most 1 hour; got {options.ClockSkew}.");
        }

        if (options.MaxConcurrentCallsPerClient is < 1 or > 1024)
        {
            failures.Add($"ServerOptions:MaxConcurrentCallsPerClient must be 1 to 1024; got {options.MaxConcurrentCallsPerClient}.");
        }

        if (options.MaxConcurrentCalls < Math.Max(1, options.MaxConcurrentCallsPerClient) || options.MaxConcurrentCalls > 1_000_000)
        {
            failures.Add($"ServerOptions:MaxConcurrentCalls must be at least ServerOptions:MaxConcurrentCallsPerClient and at most 1,000,000; got {options.MaxConcurrentCalls}.");
        }

        if (options.MaxConcurrentUnauthenticatedCalls is < 1 or > 1_000_000)
        {
            failures.Add($"ServerOptions:MaxConcurrentUnauthenticatedCalls must be 1 to 1,000,000; got {options.MaxConcurrentUnauthenticatedCalls}.");
        }

        if (options.MaxBufferedRequestWait < TimeSpan.Zero || options.MaxBufferedRequestWait > TimeSpan.FromMinutes(2))
        {
            failures.Add($"ServerOptions:MaxBufferedRequestWait must be 0 to 2 minutes; got {options.MaxBufferedRequestWait}.");
        }

        if (options.MaxBufferedRequestBytes < options.MaxMessageBytes || options.MaxBufferedRequestBytes > 64L * 1024 * 1024 * 1024)
        {
            failures.Add($"ServerOptions:MaxBufferedRequestBytes must be at least ServerOptions:MaxMessageBytes ({options.MaxMessageBytes}) and at most 64 GiB; got {options.MaxBufferedRequestBytes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out System.Net.IPAddress? address) && System.Net.IPAddress.IsLoopback(address));
}
