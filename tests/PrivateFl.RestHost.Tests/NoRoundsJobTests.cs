using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>Issue 14: a job in which the bank never got into a round ends <c>no_rounds</c> with the reason, never <c>succeeded</c>.</summary>
public sealed class NoRoundsJobTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Train_SessionAlreadyCompleted_JobEndsNoRoundsWithTheReasonAndWaitAnswers409()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(rounds: 1);
        using HttpClient http = fixture.CreateClient();
        Task<TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage first = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await peers.WaitAsync(Limit);

        // The session's only round is over: this job's bank cannot get into any round.
        using HttpResponseMessage accepted = await http.PostAsJsonAsync("/fl_train", new { addr = "bank.csv" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        JsonElement job = await TrainingFailureTests.WaitForEndAsync(http, accepted.Headers.Location!);

        Assert.Equal("no_rounds", job.GetProperty("status").GetString());
        Assert.Equal("No round was trained. The session had already run all its rounds when training started.", job.GetProperty("message").GetString());
        Assert.Equal(0, job.GetProperty("report").GetProperty("rounds_participated").GetInt32());
        Assert.Equal(1, job.GetProperty("report").GetProperty("model_version").GetInt64());

        using HttpResponseMessage waited = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.Conflict, waited.StatusCode);
        Assert.Equal("application/problem+json", waited.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await waited.Content.ReadAsStringAsync());
        Assert.Equal("no_rounds", problem.RootElement.GetProperty("job_status").GetString());
        Assert.StartsWith("No round was trained.", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, problem.RootElement.GetProperty("report").GetProperty("rounds_participated").GetInt32());
    }
}
