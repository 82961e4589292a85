using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>A server crash in the middle of a round ends the job, failed with the reason, and frees the host for the next one.</summary>
public sealed class TrainingFailureTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Train_ServerKilledMidRound_JobFailsWithReasonAndNextTrainIsAcceptedAndWaitAnswers502()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        fixture.Gate.Armed = true;
        Task<TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage accepted = await http.PostAsJsonAsync("/fl_train", new { addr = "bank.csv" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Uri location = accepted.Headers.Location!;
        await fixture.Gate.Reached.WaitAsync(Limit);

        await fixture.KillServerAsync();

        JsonElement job = await WaitForEndAsync(http, location);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(job.GetProperty("message").GetString()));

        // The peers' SDK met the same crash inside AdvertiseKeys: a documented exception, never a raw RpcException.
        Exception peerFailure = await Assert.ThrowsAnyAsync<Exception>(() => peers.WaitAsync(Limit));
        Assert.IsAssignableFrom<FederationException>(peerFailure);

        using HttpResponseMessage next = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.BadGateway, next.StatusCode);
        Assert.Equal("application/problem+json", next.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
        Assert.Contains("unreachable", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WhileAJobRuns_409WithoutReadingTheDataSet()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        using HttpResponseMessage first = await http.PostAsJsonAsync("/fl_train", new { addr = "bank.csv" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // broken.csv would be a 400 listing its problems if it were parsed; the one-job check comes first.
        using HttpResponseMessage second = await http.PostAsJsonAsync("/fl_train", new { addr = "broken.csv" });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    internal static async Task<JsonElement> WaitForEndAsync(HttpClient http, Uri location)
    {
        DateTime end = DateTime.UtcNow + Limit;
        while (true)
        {
            using JsonDocument job = JsonDocument.Parse(await http.GetStringAsync(location));
            if (job.RootElement.GetProperty("status").GetString() is not ("queued" or "running") || DateTime.UtcNow > end)
            {
                return job.RootElement.Clone();
            }

            await Task.Delay(100);
        }
    }
}
