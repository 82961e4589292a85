namespace PrivateFl.RestHost;

/// <summary>What the REST host exposes to monitoring. Bound from the <c>Observability</c> configuration section.</summary>
internal sealed class ObservabilityOptions
{
    /// <summary>
    /// Gets or sets the path of the Prometheus scrape endpoint. Default: empty (off). <c>true</c> means <c>/metrics</c>.
    /// With <c>RestHostOptions:ApiKey</c> set, a scrape needs it (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>).
    /// </summary>
    public string PrometheusEndpoint { get; set; } = string.Empty;

    /// <summary>Gets the scrape path, or null when metrics are off.</summary>
    public string? ScrapePath => PrometheusEndpoint.Trim() switch
    {
        "" or "false" or "False" => null,
        "true" or "True" => "/metrics",
        string path => path,
    };
}
