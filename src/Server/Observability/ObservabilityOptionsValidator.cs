using System.Net;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Observability;

/// <summary>Refuses to start with an unusable <see cref="ObservabilityOptions"/>, naming the setting.</summary>
internal sealed class ObservabilityOptionsValidator(IOptions<ServerOptions> server) : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        string? path = options.ScrapePath;
        if (path is null)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (path.Length is < 2 or > 64 || path[0] != '/' || !path.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.'))
        {
            failures.Add($"Observability:PrometheusEndpoint must be true, false or a path such as /metrics (2 to 64 characters: '/' then letters, digits, '/', '-', '_', '.'); got '{options.PrometheusEndpoint}'.");
        }

        if (!Uri.TryCreate(options.ManagementUrl, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.AbsolutePath != "/")
        {
            failures.Add($"Observability:ManagementUrl must be one absolute http:// or https:// address without a path; got '{options.ManagementUrl}'.");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && !(IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip)))
        {
            failures.Add($"Observability:ManagementUrl '{options.ManagementUrl}' is plain HTTP on a non-loopback address; use https:// (with ServerOptions:TlsCertificatePath) or a loopback address.");
        }
        else if (url.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(server.Value.TlsCertificatePath))
        {
            failures.Add("Observability:ManagementUrl is https:// but ServerOptions:TlsCertificatePath is not set.");
        }
        else if (Uri.TryCreate(server.Value.Urls, UriKind.Absolute, out Uri? main) && main.Port == url.Port && url.Port != 0)
        {
            failures.Add($"Observability:ManagementUrl must use another port than ServerOptions:Urls ({main.Port}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
