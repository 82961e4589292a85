using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost.Tests;

/// <summary>The REST host's metrics and their Prometheus endpoint (issue 14).</summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class RestHostMetricsTests
{
    private const string ApiKey = "rest-metrics-api-key-0123";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Metrics_NotConfigured_NotServed()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage scrape = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterATrainingAndTwoPredictions_CountJobsAndPredictionsByStatusAndDecision_WithTheApiKeyOnly()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: ApiKey, hostSettings: new Dictionary<string, string> { ["Observability:PrometheusEndpoint"] = "/metrics" });
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();
        using var train = new HttpRequestMessage(HttpMethod.Post, "/fl_train?wait=true") { Content = JsonContent.Create(new { addr = "bank.csv" }) };
        train.Headers.Add("X-Api-Key", ApiKey);
        using HttpResponseMessage trained = await http.SendAsync(train).WaitAsync(Limit);
        await peers.WaitAsync(Limit);
        var applicant = new Dictionary<string, object> { ["age"] = 22, ["sex"] = "female", ["job"] = 2, ["housing"] = "own", ["credit"] = 5951, ["duration"] = 48, ["purpose"] = "radio/TV", ["saving_accounts"] = "little", ["checking_account"] = "moderate" };
        using HttpResponseMessage good = await http.PostAsJsonAsync("/fl_predict", applicant);
        using HttpResponseMessage bad = await http.PostAsJsonAsync("/fl_predict", new Dictionary<string, object> { ["age"] = -5 });

        using HttpResponseMessage withoutKey = await http.GetAsync("/metrics");
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Add("X-Api-Key", ApiKey);
        using HttpResponseMessage withKey = await http.SendAsync(scrape);
        string text = await withKey.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, trained.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (good.StatusCode, bad.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        string label = (await good.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("label").GetString()!;
        Assert.Matches($"privatefl_resthost_predictions_total\\{{[^}}]*decision=\"{label}\"[^}}]*http_response_status_code=\"200\"[^}}]*\\}} 1\\s", text);
        Assert.Matches("privatefl_resthost_predictions_total\\{[^}]*decision=\"none\"[^}]*http_response_status_code=\"400\"[^}]*\\} 1\\s", text);
        Assert.Contains("privatefl_resthost_prediction_duration_seconds_bucket{", text, StringComparison.Ordinal);

        // Buckets in seconds, down to half a millisecond (OpenTelemetry's default boundaries start at 5).
        Assert.Matches("privatefl_resthost_prediction_duration_seconds_bucket\\{[^}]*le=\"0.0005\"", text);
        Assert.Matches("privatefl_resthost_training_jobs_started_total(\\{[^}]*\\})? 1\\s", text);
        Assert.Matches("privatefl_resthost_training_jobs_ended_total\\{[^}]*status=\"succeeded\"[^}]*\\} 1\\s", text);
        Assert.DoesNotContain("5951", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("/fl_predict")]
    [InlineData("/me trics")]
    public void Validate_BadScrapePath_FailsNamingTheSetting(string path)
    {
        ValidateOptionsResult result = new ObservabilityOptionsValidator().Validate(null, new ObservabilityOptions { PrometheusEndpoint = path });

        Assert.True(result.Failed);
        Assert.Contains("Observability:PrometheusEndpoint", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("false", null)]
    [InlineData("true", "/metrics")]
    [InlineData("/ops/metrics", "/ops/metrics")]
    public void Validate_OffOnOrAPath_Succeeds(string setting, string? path)
    {
        var options = new ObservabilityOptions { PrometheusEndpoint = setting };

        Assert.True(new ObservabilityOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(path, options.ScrapePath);
    }
}
