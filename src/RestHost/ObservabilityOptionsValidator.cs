using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>Refuses to start with an unusable scrape path, naming the setting.</summary>
internal sealed class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>
{
    /// <summary>The paths the host's own endpoints use: a scrape path must not shadow them.</summary>
    private static readonly string[] Reserved = ["/fl_train", "/fl_predict", "/healthz", "/readyz", "/docs", "/openapi"];

    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        string? path = options.ScrapePath;
        if (path is null)
        {
            return ValidateOptionsResult.Success;
        }

        if (path.Length is < 2 or > 64 || path[0] != '/' || !path.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.'))
        {
            return ValidateOptionsResult.Fail($"Observability:PrometheusEndpoint must be true, false or a path such as /metrics (2 to 64 characters: '/' then letters, digits, '/', '-', '_', '.'); got '{options.PrometheusEndpoint}'.");
        }

        return Reserved.Any(r => path.StartsWith(r, StringComparison.OrdinalIgnoreCase))
            ? ValidateOptionsResult.Fail($"Observability:PrometheusEndpoint '{path}' would shadow one of the host's endpoints ({string.Join(", ", Reserved)}).")
            : ValidateOptionsResult.Success;
    }
}
