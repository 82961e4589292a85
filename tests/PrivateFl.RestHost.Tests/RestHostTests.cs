using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary>The original request shapes, every bad input, and a training job followed by a prediction.</summary>
public sealed class RestHostTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TrainWaitThenPredict_OriginalFormAndJsonShapes_PredictionCarriesTheNewModelVersion()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();

        using HttpResponseMessage train = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);

        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        using JsonDocument report = JsonDocument.Parse(await train.Content.ReadAsStringAsync());
        Assert.Equal(1, report.RootElement.GetProperty("rounds_participated").GetInt32());
        long version = report.RootElement.GetProperty("model_version").GetInt64();
        Assert.Equal(1, version);
        await peers.WaitAsync(Limit);

        var applicant = new Dictionary<string, object> { ["age"] = 22, ["sex"] = "female", ["job"] = 2, ["housing"] = "own", ["credit"] = 5951, ["duration"] = 48, ["purpose"] = "radio/TV", ["saving_accounts"] = "little", ["checking_account"] = "moderate" };
        foreach ((string path, HttpContent content) in new (string, HttpContent)[]
        {
            ("/fl_predict", JsonContent.Create(applicant)),
            ("/fl_predict/", new FormUrlEncodedContent(applicant.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!))),
        })
        {
            using HttpResponseMessage predict = await http.PostAsync(path, content);
            Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await predict.Content.ReadAsStringAsync());
            JsonElement root = body.RootElement;
            Assert.Equal(version, root.GetProperty("model_version").GetInt64());
            Assert.Equal(1.0, root.GetProperty("probability").GetDouble() + root.GetProperty("probability_of_default").GetDouble(), 9);
            Assert.Contains(root.GetProperty("label").GetString(), new[] { "good", "bad" });
            Assert.True(root.GetProperty("score").GetDouble() > 0);
            Assert.True(root.GetProperty("reasons").GetArrayLength() <= 3);
            Assert.Empty(root.GetProperty("assumptions").EnumerateArray());
        }
    }

    [Fact]
    public async Task Train_JsonWithoutSlash_Returns202WithAJobThatSucceeds()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();

        using HttpResponseMessage accepted = await http.PostAsJsonAsync("/fl_train", new { addr = "bank.csv" });

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Uri location = accepted.Headers.Location!;
        Assert.StartsWith("/fl_train/", location.OriginalString, StringComparison.Ordinal);
        string status = "queued";
        for (int i = 0; i < 600 && status is "queued" or "running"; i++)
        {
            await Task.Delay(100);
            using JsonDocument job = JsonDocument.Parse(await http.GetStringAsync(location));
            status = job.RootElement.GetProperty("status").GetString()!;
        }

        Assert.Equal("succeeded", status);
        await peers.WaitAsync(Limit);
        using JsonDocument done = JsonDocument.Parse(await http.GetStringAsync(location));
        Assert.Equal(1, done.RootElement.GetProperty("report").GetProperty("model_version").GetInt64());
        Assert.Equal(1, done.RootElement.GetProperty("rounds_completed").GetInt32());
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("../bank.csv", "'..'")]
    [InlineData("/etc/passwd", "outside")]
    [InlineData("http://example.com/german.csv", "URLs")]
    [InlineData("missing.csv", "does not exist")]
    [InlineData("link.csv", "link")]
    [InlineData("chain.csv", "link")]
    [InlineData("sub/rows.csv", "link")]
    public async Task Train_BadAddr_400NamingAddrAndTheReason(string addr, string reason)
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train/", new { addr });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string message = problem.RootElement.GetProperty("errors").GetProperty("addr")[0].GetString()!;
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_DataNotFittingTheSchema_400ListingEveryProblem()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsync("/fl_train", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "broken.csv" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problem.RootElement.GetProperty("errors");
        string[] keys = [.. errors.EnumerateObject().Select(p => p.Name)];
        Assert.Contains("row 1, Age", keys);
        Assert.Contains("row 2, Sex", keys);
        Assert.Contains("row 2, Credit amount", keys);
        Assert.Contains("row 2, Risk", keys);
    }

    [Fact]
    public async Task Predict_BadFields_400ListingEveryBadField()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_predict", new { age = "old", sex = "male", job = 2, housing = "own", duration = 12 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] fields = [.. problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["age", "credit", "purpose"], fields.Order());
    }

    [Fact]
    public async Task Predict_NoTrainedModelYet_503()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_predict/", new { age = 30, sex = "male", job = 2, housing = "own", credit_amount = 1000, duration = 12, purpose = "car" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("not trained a model yet", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_ApiKeyConfigured_401WithoutItAndAcceptedWithIt()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: "bank-secret-key");
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage without = await http.PostAsJsonAsync("/fl_train", new { addr = "missing.csv" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fl_train") { Content = JsonContent.Create(new { addr = "missing.csv" }) };
        request.Headers.Add("X-Api-Key", "bank-secret-key");
        using HttpResponseMessage with = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, with.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAlwaysReadyOnlyWithAModel_AndTheOpenApiDocumentIsServed()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage live = await http.GetAsync("/healthz");
        using HttpResponseMessage ready = await http.GetAsync("/readyz");
        using HttpResponseMessage openApi = await http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        string document = await openApi.Content.ReadAsStringAsync();
        Assert.Contains("/fl_train", document, StringComparison.Ordinal);
        Assert.Contains("/fl_predict", document, StringComparison.Ordinal);
    }
}
