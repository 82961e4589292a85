using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary><c>/readyz</c> tells the truth about the server, and predictions never wait on it.</summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Readyz_ServerDown_503WithJsonNamingTheServer()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        using (HttpResponseMessage before = await http.GetAsync("/readyz"))
        {
            using JsonDocument body = JsonDocument.Parse(await before.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("aggregation-server").GetProperty("status").GetString());
        }

        await fixture.KillServerAsync();
        using HttpResponseMessage ready = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        JsonElement server = problem.RootElement.GetProperty("checks").GetProperty("aggregation-server");
        Assert.Equal("Unhealthy", server.GetProperty("status").GetString());
        Assert.Contains("does not answer", server.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Unhealthy", problem.RootElement.GetProperty("checks").GetProperty("model").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Predict_ServerDownAfterTraining_TenConcurrentAnswerFromTheCacheWithoutWaiting()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage train = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        await peers.WaitAsync(Limit);
        await fixture.KillServerAsync();

        // Past the 1 s refresh interval: the background refresh now fails against the dead server.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var applicant = new { age = 35, sex = "male", job = 2, housing = "own", credit = 2000, duration = 12, purpose = "car" };
        var clock = Stopwatch.StartNew();
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => http.PostAsJsonAsync("/fl_predict", applicant)));
        clock.Stop();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (HttpResponseMessage answer in answers)
        {
            using JsonDocument body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal(1, body.RootElement.GetProperty("model_version").GetInt64());
            answer.Dispose();
        }

        // Before the fix each one blocked about 3 s on a refresh, queued behind the others (3 to 30 s).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"10 predictions took {clock.Elapsed.TotalSeconds:F2} s.");
        using HttpResponseMessage ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
