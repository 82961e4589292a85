using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary><c>GET /scorecard</c> and <c>GET /model_card</c> against the in-process host and a real server.</summary>
public sealed class ModelReportTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ScorecardAndModelCard_AfterTraining_ServeTheCachedModelInEachFormat()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(hostSettings: new Dictionary<string, string> { ["ModelCardOptions:TestDataset"] = "bank.csv" });
        using HttpClient http = fixture.CreateClient();

        // Before any model: a bad format is named, and a good request gets 503.
        using HttpResponseMessage badFormat = await http.GetAsync("/scorecard?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.True(JsonDocument.Parse(await badFormat.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("format", out _));
        using HttpResponseMessage early = await http.GetAsync("/model_card");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);

        Task<TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage train = await http.PostAsync("/fl_train/?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        await peers.WaitAsync(Limit);

        // The scorecard's points add up to the score /fl_predict gives, and its reasons are measured against reference_points.
        using HttpResponseMessage scorecard = await http.GetAsync("/scorecard");
        Assert.Equal(HttpStatusCode.OK, scorecard.StatusCode);
        Assert.Equal("application/json", scorecard.Content.Headers.ContentType!.MediaType);
        using JsonDocument card = JsonDocument.Parse(await scorecard.Content.ReadAsStringAsync());
        var applicant = new Dictionary<string, object> { ["age"] = 22, ["sex"] = "female", ["job"] = 2, ["housing"] = "own", ["credit"] = 5951, ["duration"] = 48, ["purpose"] = "radio/TV", ["saving_accounts"] = "little", ["checking_account"] = "moderate" };
        using HttpResponseMessage predict = await http.PostAsync("/fl_predict", JsonContent.Create(applicant));
        using JsonDocument prediction = JsonDocument.Parse(await predict.Content.ReadAsStringAsync());
        (double score, Dictionary<string, double> lost) = Score(card.RootElement, new Dictionary<string, string>
        {
            ["Age"] = "22", ["Job"] = "2", ["Housing"] = "own", ["Saving accounts"] = "little", ["Checking account"] = "moderate", ["Credit amount"] = "5951", ["Duration"] = "48", ["Purpose"] = "radio/TV",
        });
        Assert.Equal(prediction.RootElement.GetProperty("score").GetDouble(), score, 1); // the response rounds to 0.1
        foreach (JsonElement reason in prediction.RootElement.GetProperty("reasons").EnumerateArray())
        {
            Assert.Equal(lost[reason.GetProperty("feature").GetString()!], reason.GetProperty("points_lost").GetDouble(), 2);
        }

        Assert.Equal(lost.Values.Count(v => v > 1e-9) is var n && n > 3 ? 3 : n, prediction.RootElement.GetProperty("reasons").GetArrayLength());

        // CSV by query and by Accept: the same document.
        string csvByQuery = await http.GetStringAsync("/scorecard?format=csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scorecard");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using HttpResponseMessage csvByAccept = await http.SendAsync(request);
        Assert.Equal("text/csv", csvByAccept.Content.Headers.ContentType!.MediaType);
        Assert.Equal(csvByQuery, await csvByAccept.Content.ReadAsStringAsync());
        Assert.StartsWith("section,attribute,bin,lower,upper,points,points_at_lower,points_at_upper,reference_points\r\n", csvByQuery, StringComparison.Ordinal);
        using var queryWins = new HttpRequestMessage(HttpMethod.Get, "/scorecard?format=json");
        queryWins.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using HttpResponseMessage json = await http.SendAsync(queryWins);
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);

        // The model card: JSON by default, with the configured test set's metrics and fairness report.
        using JsonDocument modelCard = JsonDocument.Parse(await http.GetStringAsync("/model_card"));
        JsonElement root = modelCard.RootElement;
        Assert.Equal(1, root.GetProperty("model_version").GetInt64());
        Assert.Equal(3, root.GetProperty("banks").GetInt32());
        Assert.Equal(CreditSchemas.GermanCredit.Hash, root.GetProperty("schema").GetProperty("hash").GetString());
        Assert.Equal("none", root.GetProperty("privacy").GetProperty("mode").GetString());
        Assert.Equal(333, root.GetProperty("test_metrics").GetProperty("rows").GetInt32());
        Assert.Equal("Sex", root.GetProperty("fairness").GetProperty("columns")[0].GetProperty("column").GetString());

        using var markdownRequest = new HttpRequestMessage(HttpMethod.Get, "/model_card");
        markdownRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/markdown"));
        using HttpResponseMessage markdown = await http.SendAsync(markdownRequest);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType!.MediaType);
        string text = await markdown.Content.ReadAsStringAsync();
        Assert.StartsWith("# Model card: german-credit, model version 1", text, StringComparison.Ordinal);
        Assert.Contains("### Sex: approval-rate ratio", text, StringComparison.Ordinal);
        Assert.Equal(text, await http.GetStringAsync("/model_card?format=md"));
    }

    [Fact]
    public async Task ModelCard_TestSetAndApiKeyConfigured_RequiresTheKey()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: "card-key-0123456789", hostSettings: new Dictionary<string, string> { ["ModelCardOptions:TestDataset"] = "bank.csv" });
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage anonymous = await http.GetAsync("/model_card");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/model_card");
        wrong.Headers.Add("X-Api-Key", "card-key-0123456788");
        using HttpResponseMessage wrongKey = await http.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/model_card");
        right.Headers.Add("X-Api-Key", "card-key-0123456789");
        using HttpResponseMessage rightKey = await http.SendAsync(right);
        using HttpResponseMessage scorecard = await http.GetAsync("/scorecard");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rightKey.StatusCode); // past the key: no model trained yet
        Assert.Equal(HttpStatusCode.ServiceUnavailable, scorecard.StatusCode); // the scorecard holds no bank data: no key
    }

    [Fact]
    public void ModelCardSource_MissingTestSet_SaysWhichSettingAndCachesPerVersion()
    {
        string root = Directory.CreateTempSubdirectory("privatefl-card-").FullName;
        try
        {
            FeatureSchema schema = CreditSchemas.GermanCredit;
            var model = new GlobalModel("s", 1, new double[schema.EncodedLength + 1], schema.Hash, 1, 3, 0, 0, """{"mode":"None"}""");
            var current = new CachedModel(model, model.CreatePredictor(schema));
            var host = Options.Create(new RestHostOptions { DataRoot = root });
            var missing = new ModelCardSource(host, Options.Create(new ModelCardOptions { TestDataset = "missing.csv" }), Options.Create(new CreditPredictorOptions()));
            var none = new ModelCardSource(host, Options.Create(new ModelCardOptions()), Options.Create(new CreditPredictorOptions()));

            (ModelCard? card, string? problem) = missing.Get(current);
            (ModelCard? first, _) = none.Get(current);
            (ModelCard? second, _) = none.Get(current);

            Assert.Null(card);
            Assert.StartsWith("ModelCardOptions:TestDataset", problem, StringComparison.Ordinal);
            Assert.NotNull(first);
            Assert.Null(first.TestMetrics);
            Assert.Same(first, second);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("../outside.csv")]
    [InlineData("https://example.com/test.csv")]
    public void Validate_TestDatasetOutsideTheDataFolder_FailsNamingTheSetting(string name)
    {
        ValidateOptionsResult result = new ModelCardOptionsValidator().Validate(null, new ModelCardOptions { TestDataset = name });

        Assert.True(result.Failed);
        Assert.Contains("ModelCardOptions:TestDataset", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>Scores an applicant from the scorecard JSON alone, as a credit officer would.</summary>
    private static (double Score, Dictionary<string, double> Lost) Score(JsonElement card, Dictionary<string, string> applicant)
    {
        double score = card.GetProperty("base_points").GetDouble();
        var lost = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (JsonElement attribute in card.GetProperty("attributes").EnumerateArray())
        {
            string name = attribute.GetProperty("attribute").GetString()!;
            string value = applicant[name];
            JsonElement[] bins = [.. attribute.GetProperty("bins").EnumerateArray()];
            double points;
            if (attribute.GetProperty("kind").GetString() == "categorical")
            {
                points = bins.Single(b => b.GetProperty("bin").GetString() == value).GetProperty("points").GetDouble();
            }
            else
            {
                double x = double.Parse(value, CultureInfo.InvariantCulture);
                JsonElement bin = bins.First(b => x < b.GetProperty("upper").GetDouble() || b.Equals(bins[^1]));
                double lower = bin.GetProperty("lower").GetDouble();
                double upper = bin.GetProperty("upper").GetDouble();
                double atLower = bin.GetProperty("points_at_lower").GetDouble();
                points = atLower + ((x - lower) / (upper - lower) * (bin.GetProperty("points_at_upper").GetDouble() - atLower));
            }

            score += points;
            lost[name] = attribute.GetProperty("reference_points").GetDouble() - points;
        }

        return (score, lost);
    }
}
