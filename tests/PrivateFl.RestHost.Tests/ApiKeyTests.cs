using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// The API key: <c>/fl_train</c> and its jobs always need it when set, <c>/fl_predict</c> only with
/// <c>RestHostOptions:RequireApiKeyForPredict</c>; a refusal is a 401 problem document, checked before the body is read.
/// </summary>
public sealed class ApiKeyTests
{
    private const string Key = "bank-secret-key-0123456789";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Predict_KeySetButNotRequiredForPredict_AnsweredWithoutTheKeyWhileTrainingStillNeedsIt()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key);
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage predict = await http.PostAsJsonAsync("/fl_predict", new { age = 30, job = 2, housing = "own", credit = 1000, duration = 12, purpose = "car" });
        using HttpResponseMessage train = await http.PostAsJsonAsync("/fl_train", new { addr = "bank.csv" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, predict.StatusCode); // past any key check: no model yet
        await AssertUnauthorizedAsync(train, "Training requires");
    }

    [Fact]
    public async Task Predict_KeyRequiredForPredict_401ProblemWithoutOrWithAWrongKeyAndAPredictionWithIt()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key, hostSettings: new Dictionary<string, string> { ["RestHostOptions:RequireApiKeyForPredict"] = "true" });
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage train = await http.SendAsync(WithKey(HttpMethod.Post, "/fl_train?wait=true", Key, JsonContent.Create(new { addr = "bank.csv" }))).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        await peers.WaitAsync(Limit);
        string example = await ExampleAsync(http);

        using HttpResponseMessage without = await http.PostAsync("/fl_predict", Json(example));
        using HttpResponseMessage wrong = await http.SendAsync(WithKey(HttpMethod.Post, "/fl_predict", Key[..^1] + "X", Json(example)));
        using HttpResponseMessage longer = await http.SendAsync(WithKey(HttpMethod.Post, "/fl_predict", Key + "0", Json(example)));
        using HttpResponseMessage with = await http.SendAsync(WithKey(HttpMethod.Post, "/fl_predict", Key, Json(example)));

        await AssertUnauthorizedAsync(without, "Predictions require");
        await AssertUnauthorizedAsync(wrong, "Predictions require");
        await AssertUnauthorizedAsync(longer, "Predictions require");
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        using JsonDocument prediction = JsonDocument.Parse(await with.Content.ReadAsStringAsync());
        double probability = prediction.RootElement.GetProperty("probability").GetDouble();
        Assert.InRange(probability, 0, 1);
    }

    [Fact]
    public async Task Predict_KeyRequiredForPredict_401BeforeTheBodyIsRead()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key, hostSettings: new Dictionary<string, string> { ["RestHostOptions:RequireApiKeyForPredict"] = "true" });
        using HttpClient http = fixture.CreateClient();

        // A body that would be a 400 (malformed) and one over the size limit: the key is checked first, so both are 401.
        using HttpResponseMessage malformed = await http.PostAsync("/fl_predict", Json("{not json"));
        using HttpResponseMessage tooLarge = await http.PostAsync("/fl_predict", Json("{\"age\":\"" + new string('1', 100_000) + "\"}"));

        await AssertUnauthorizedAsync(malformed, "Predictions require");
        await AssertUnauthorizedAsync(tooLarge, "Predictions require");
    }

    [Fact]
    public async Task TrainingJob_KeySet_401WithoutItAnd404WithItForAnUnknownJob()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key);
        using HttpClient http = fixture.CreateClient();
        string path = $"/fl_train/{Guid.NewGuid()}";

        using HttpResponseMessage without = await http.GetAsync(path);
        using HttpResponseMessage with = await http.SendAsync(WithKey(HttpMethod.Get, path, Key));

        await AssertUnauthorizedAsync(without, "training job");
        Assert.Equal(HttpStatusCode.NotFound, with.StatusCode);
    }

    [Fact]
    public void Validate_PredictKeyRequiredWithoutAKey_FailsNamingBothSettings()
    {
        var options = new RestHostOptions { DataRoot = Path.GetTempPath(), RequireApiKeyForPredict = true };

        Microsoft.Extensions.Options.ValidateOptionsResult result = new RestHostOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("RestHostOptions:RequireApiKeyForPredict", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RestHostOptions:ApiKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { Key }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "" }, false)]
    [InlineData(new[] { "bank-secret-key-012345678" }, false)]
    [InlineData(new[] { "bank-secret-key-01234567890" }, false)]
    [InlineData(new[] { "Bank-secret-key-0123456789" }, false)]
    [InlineData(new[] { Key, Key }, false)]
    public void IsPresented_OnlyTheExactKeyOnce_IsAccepted(string[] presented, bool accepted)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Headers["X-Api-Key"] = new Microsoft.Extensions.Primitives.StringValues(presented);

        Assert.Equal(accepted, ApiKeyRequirement.IsPresented(context.Request, Key));
    }

    [Fact]
    public void Defaults_PredictNeedsNoKey()
    {
        Assert.False(new RestHostOptions().RequireApiKeyForPredict);
    }

    internal static HttpRequestMessage WithKey(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    internal static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    /// <summary>The <c>/fl_predict</c> request example of the host's OpenAPI document, as JSON text.</summary>
    internal static async Task<string> ExampleAsync(HttpClient http)
    {
        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        return document.RootElement.GetProperty("paths").GetProperty("/fl_predict").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText();
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Unauthorized.", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
