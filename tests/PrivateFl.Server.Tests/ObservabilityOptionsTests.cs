using Microsoft.Extensions.Options;
using PrivateFl.Server.Observability;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Tests;

/// <summary>The start-up check of <see cref="ObservabilityOptions"/>.</summary>
public sealed class ObservabilityOptionsTests
{
    [Theory]
    [InlineData("", "http://0.0.0.0:1")]
    [InlineData("false", "not a url")]
    public void Validate_MetricsOff_SucceedsWhateverTheManagementUrl(string endpoint, string url) =>
        Assert.True(Validator().Validate(null, new ObservabilityOptions { PrometheusEndpoint = endpoint, ManagementUrl = url }).Succeeded);

    [Theory]
    [InlineData("true", "http://127.0.0.1:9464")]
    [InlineData("/metrics", "http://[::1]:9464")]
    [InlineData("/ops/metrics", "http://localhost:9464")]
    public void Validate_LoopbackPlaintextOrAPath_Succeeds(string endpoint, string url) =>
        Assert.True(Validator().Validate(null, new ObservabilityOptions { PrometheusEndpoint = endpoint, ManagementUrl = url }).Succeeded);

    [Theory]
    [InlineData("true", "http://0.0.0.0:9464", "plain HTTP on a non-loopback address")]
    [InlineData("true", "https://127.0.0.1:9464", "TlsCertificatePath is not set")]
    [InlineData("true", "http://127.0.0.1:5080", "another port")]
    [InlineData("true", "http://127.0.0.1:9464/x", "without a path")]
    [InlineData("metrics", "http://127.0.0.1:9464", "Observability:PrometheusEndpoint")]
    [InlineData("/a b", "http://127.0.0.1:9464", "Observability:PrometheusEndpoint")]
    public void Validate_UnsafeOrUnusable_FailsNamingTheProblem(string endpoint, string url, string problem)
    {
        ValidateOptionsResult result = Validator().Validate(null, new ObservabilityOptions { PrometheusEndpoint = endpoint, ManagementUrl = url });

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
    }

    private static ObservabilityOptionsValidator Validator() =>
        new(Microsoft.Extensions.Options.Options.Create(new ServerOptions { Urls = "http://127.0.0.1:5080" }));
}
