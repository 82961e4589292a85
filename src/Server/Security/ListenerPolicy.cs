using System.Net;
using PrivateFl.Server.Hosting;

namespace PrivateFl.Server.Security;

/// <summary>
/// Plain HTTP/2 only on loopback: checks every listener the configuration can open, whatever its source, before
/// the server starts (<c>Kestrel:Endpoints:*:Url</c>, <c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>--urls</c>,
/// <c>http_ports</c> / <c>ASPNETCORE_HTTP_PORTS</c>), and every address the server actually bound after it started.
/// </summary>
internal static class ListenerPolicy
{
    /// <summary>Throws <see cref="ServerStartupException"/> naming the first configured plaintext listener on a non-loopback address.</summary>
    public static void ValidateConfiguration(IConfiguration configuration)
    {
        foreach (IConfigurationSection endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            string? url = endpoint["Url"];
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new ServerStartupException($"Kestrel:Endpoints:{endpoint.Key}:Url must be set.");
            }

            Check(url, $"Kestrel:Endpoints:{endpoint.Key}:Url");
        }

        foreach (string url in (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Check(url, "urls (ASPNETCORE_URLS, --urls)");
        }

        if (!string.IsNullOrWhiteSpace(configuration["http_ports"]))
        {
            throw new ServerStartupException($"http_ports (ASPNETCORE_HTTP_PORTS) '{configuration["http_ports"]}' would open plaintext listeners on every address; remove it and set ServerOptions:Urls (plaintext only on loopback) or an https endpoint.");
        }
    }

    /// <summary>Throws <see cref="ServerStartupException"/> if a bound address is plaintext and not loopback.</summary>
    public static void ValidateBound(IEnumerable<string> addresses)
    {
        foreach (string address in addresses)
        {
            Check(address, "a bound listener");
        }
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static void Check(string url, string source)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            throw new ServerStartupException($"{source} '{url}' is not a valid listen address.");
        }

        bool loopback = string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(binding.Host.Trim('[', ']'), out IPAddress? ip) && IsLoopback(ip));
        if (!string.Equals(binding.Scheme, "https", StringComparison.OrdinalIgnoreCase) && !binding.IsUnixPipe && !loopback)
        {
            throw new ServerStartupException($"{source} '{url}' is a plaintext listener on a non-loopback address; use https:// with a certificate (plain HTTP/2 is allowed only on loopback).");
        }
    }
}
