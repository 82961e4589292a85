namespace PrivateFl.Server.Observability;

/// <summary>What the server exposes to operators' tooling. Bound from the <c>Observability</c> configuration section.</summary>
public sealed class ObservabilityOptions
{
    /// <summary>
    /// Gets or sets the path of the Prometheus scrape endpoint, served on <see cref="ManagementUrl"/> only. Default:
    /// empty (no metrics endpoint and no management listener). <c>true</c> means <c>/metrics</c>.
    /// </summary>
    /// <remarks>
    /// The scrape needs the admin API key (<c>Authorization: Bearer &lt;key&gt;</c> or <c>x-privatefl-admin-key</c>):
    /// the metrics name sessions and show when rounds run.
    /// </remarks>
    public string PrometheusEndpoint { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the management listener that serves <see cref="PrometheusEndpoint"/> over HTTP/1.1, apart from the
    /// HTTP/2 gRPC listener. Default: <c>http://127.0.0.1:9464</c>.
    /// </summary>
    /// <remarks>Plain HTTP only on loopback; <c>https://</c> uses <c>ServerOptions:TlsCertificatePath</c>. Nothing but the scrape endpoint is served on it.</remarks>
    public string ManagementUrl { get; set; } = "http://127.0.0.1:9464";

    /// <summary>Gets or sets whether the gRPC reflection service is served (so <c>grpcurl</c> can list the services). Default: false.</summary>
    /// <remarks>Reflection needs no key: it describes the public protocol only, but there is no reason to serve it in production.</remarks>
    public bool GrpcReflection { get; set; }

    /// <summary>Gets the scrape path <see cref="PrometheusEndpoint"/> stands for, or null when metrics are off.</summary>
    internal string? ScrapePath => PrometheusEndpoint.Trim() switch
    {
        "" or "false" or "False" => null,
        "true" or "True" => "/metrics",
        string path => path,
    };
}
