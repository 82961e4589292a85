using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// <c>/fl_predict</c> takes the fields of the served schema: a host configured for a Taiwan session trains and scores
/// with the Taiwan column names under both model kinds, lists every bad field, and its OpenAPI document describes the fields.
/// </summary>
public sealed class SchemaDrivenPredictTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // Row 2 of taiwan_credit_card_default.csv, with the file's own column names and JSON numbers.
    private static readonly Dictionary<string, object> TaiwanApplicant = new()
    {
        ["LIMIT_BAL"] = 120000, ["SEX"] = 2, ["EDUCATION"] = 2, ["MARRIAGE"] = 2, ["AGE"] = 26,
        ["PAY_0"] = -1, ["PAY_2"] = 2, ["PAY_3"] = 0, ["PAY_4"] = 0, ["PAY_5"] = 0, ["PAY_6"] = 2,
        ["BILL_AMT1"] = 2682, ["BILL_AMT2"] = 1725, ["BILL_AMT3"] = 2682, ["BILL_AMT4"] = 3272, ["BILL_AMT5"] = 3455, ["BILL_AMT6"] = 3261,
        ["PAY_AMT1"] = 0, ["PAY_AMT2"] = 1000, ["PAY_AMT3"] = 1000, ["PAY_AMT4"] = 1000, ["PAY_AMT5"] = 0, ["PAY_AMT6"] = 2000,
    };

    public static TheoryData<string> Models => new() { "logistic", "mlp" };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task TrainThenPredict_TaiwanSession_ScoresTheTaiwanColumnNamesAsTheSdkDoes(string kind)
    {
        ModelSpecification specification = kind == "mlp"
            ? ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, initializationSeed: 9)
            : ModelSpecification.LogisticRegression;
        await using RestHostFixture fixture = await RestHostFixture.StartTaiwanAsync(specification);
        using HttpClient http = fixture.CreateClient();
        Task<TrainingReport[]> peers = fixture.PeersTrainAsync();

        using HttpResponseMessage train = await http.PostAsync("/fl_train?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "taiwan.csv" })).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        await peers.WaitAsync(Limit);
        GlobalModel model = await fixture.GlobalModelAsync();
        CreditPredictor sdk = model.CreatePredictor(CreditSchemas.TaiwanCredit, specification);
        CreditPrediction expected = sdk.Predict(new Applicant(TaiwanApplicant.ToDictionary(p => p.Key, p => (object?)p.Value)));

        foreach (HttpContent content in new HttpContent[]
        {
            JsonContent.Create(TaiwanApplicant),
            // The protected columns left out: the model never reads them, so the form scores the same without them.
            new FormUrlEncodedContent(TaiwanApplicant.Where(p => p.Key is not ("SEX" or "MARRIAGE" or "AGE")).ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)!)),
        })
        {
            using HttpResponseMessage predict = await WhenModelCachedAsync(http, content);
            string text = await predict.Content.ReadAsStringAsync();
            Assert.True(predict.StatusCode == HttpStatusCode.OK, text);
            using JsonDocument body = JsonDocument.Parse(text);
            JsonElement root = body.RootElement;
            Assert.Equal(1, root.GetProperty("model_version").GetInt64());
            Assert.Equal(expected.ProbabilityOfDefault, root.GetProperty("probability_of_default").GetDouble(), 12);
            Assert.Equal(expected.Label, root.GetProperty("label").GetString());
            Assert.Contains(root.GetProperty("label").GetString(), new[] { "0", "1" });
            Assert.Equal(
                expected.Reasons.Select(r => r.Column),
                root.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("feature").GetString()));
            Assert.Empty(root.GetProperty("assumptions").EnumerateArray());
        }

        // A perceptron's score is not a sum of points per attribute: no scorecard, and /scorecard says so.
        using HttpResponseMessage scorecard = await http.GetAsync("/scorecard");
        Assert.Equal(kind == "mlp" ? HttpStatusCode.NotFound : HttpStatusCode.OK, scorecard.StatusCode);

        // The model card names the session's model kind, whichever it is.
        using HttpResponseMessage card = await http.GetAsync("/model_card");
        string cardText = await card.Content.ReadAsStringAsync();
        Assert.True(card.StatusCode == HttpStatusCode.OK, cardText);
        using JsonDocument cardJson = JsonDocument.Parse(cardText);
        Assert.Equal(kind == "mlp" ? "multilayer-perceptron" : "logistic-regression", cardJson.RootElement.GetProperty("model").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Predict_TaiwanHostBadFields_400ListingEveryBadFieldByItsName()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartTaiwanAsync(ModelSpecification.LogisticRegression);
        using HttpClient http = fixture.CreateClient();
        var applicant = new Dictionary<string, object>(TaiwanApplicant)
        {
            ["LIMIT_BAL"] = -1,      // out of range
            ["EDUCATION"] = 9,       // not in the vocabulary
            ["SEX"] = "robot",       // protected, given: still validated
            ["duration"] = 12,       // a German field: not a field of this schema
        };
        applicant.Remove("PAY_0");   // required

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_predict", applicant);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["EDUCATION", "LIMIT_BAL", "PAY_0", "SEX", "duration"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("[0, 10000000]", errors.GetProperty("LIMIT_BAL")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not in the vocabulary", errors.GetProperty("EDUCATION")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("required", errors.GetProperty("PAY_0")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not a field", errors.GetProperty("duration")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_TaiwanHost_DescribesTheTaiwanFields()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartTaiwanAsync(ModelSpecification.LogisticRegression);
        using HttpClient http = fixture.CreateClient();

        JsonElement body = await PredictBodySchemaAsync(http);

        JsonElement properties = body.GetProperty("properties");
        Assert.Equal(CreditSchemas.TaiwanCredit.Columns.Select(c => c.Name), properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0", properties.GetProperty("LIMIT_BAL").GetProperty("minimum").GetRawText());
        Assert.Equal("10000000", properties.GetProperty("LIMIT_BAL").GetProperty("maximum").GetRawText());
        string[] pay0 = [.. properties.GetProperty("PAY_0").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(["-2", "-1", "0", "1", "2", "3", "4", "5", "6", "7", "8"], pay0);
        Assert.Contains("`8` → `3`", properties.GetProperty("PAY_0").GetProperty("description").GetString(), StringComparison.Ordinal);
        string[] required = [.. body.GetProperty("required").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Contains("LIMIT_BAL", required);
        Assert.Contains("PAY_AMT6", required);
        Assert.DoesNotContain("SEX", required);
        Assert.DoesNotContain("AGE", required);
        Assert.Contains("Protected", properties.GetProperty("MARRIAGE").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(body.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public async Task OpenApi_GermanHost_DescribesThePrototypeFieldsWithAliasesAndOptionalOnes()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        JsonElement body = await PredictBodySchemaAsync(http);

        JsonElement properties = body.GetProperty("properties");
        Assert.Equal(["age", "sex", "job", "housing", "saving_accounts", "checking_account", "credit", "duration", "purpose"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["age", "credit", "duration", "housing", "job", "purpose"], body.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("NA", properties.GetProperty("saving_accounts").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("`credit_amount`", properties.GetProperty("credit").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("20000", properties.GetProperty("credit").GetProperty("maximum").GetRawText());
    }

    [Fact]
    public async Task OpenApi_UnknownCategoriesAllowed_ValuesAreExamplesNotAnEnum()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(hostSettings: new Dictionary<string, string> { ["CreditPredictorOptions:AllowUnknownCategories"] = "true" });
        using HttpClient http = fixture.CreateClient();

        JsonElement purpose = (await PredictBodySchemaAsync(http)).GetProperty("properties").GetProperty("purpose");

        Assert.False(purpose.TryGetProperty("enum", out _));
        Assert.Contains("car", purpose.GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("unknown bucket", purpose.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_GermanHostMisspeltOptionalFieldOrBothAmounts_400NamingTheField()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage misspelt = await http.PostAsJsonAsync("/fl_predict", new { age = 30, sex = "male", job = 2, housing = "own", credit = 1000, duration = 12, purpose = "car", saving_account = "rich" });
        using HttpResponseMessage both = await http.PostAsJsonAsync("/fl_predict", new { age = 30, sex = "male", job = 2, housing = "own", credit = 1000, credit_amount = 1000, duration = 12, purpose = "car" });

        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        using JsonDocument misspeltProblem = JsonDocument.Parse(await misspelt.Content.ReadAsStringAsync());
        using JsonDocument bothProblem = JsonDocument.Parse(await both.Content.ReadAsStringAsync());
        Assert.Equal(["saving_account"], misspeltProblem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["credit"], bothProblem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    private static async Task<JsonElement> PredictBodySchemaAsync(HttpClient http)
    {
        using HttpResponseMessage response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement body = document.RootElement.GetProperty("paths").GetProperty("/fl_predict").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal(
            body.GetProperty("application/json").GetProperty("schema").GetRawText(),
            body.GetProperty("application/x-www-form-urlencoded").GetProperty("schema").GetRawText());
        return body.GetProperty("application/json").GetProperty("schema").Clone();
    }

    /// <summary>Posts until the host has cached the new model (the refresh after training runs in the background).</summary>
    private static async Task<HttpResponseMessage> WhenModelCachedAsync(HttpClient http, HttpContent content)
    {
        string body = await content.ReadAsStringAsync();
        string? type = content.Headers.ContentType?.ToString();
        for (int attempt = 0; ; attempt++)
        {
            var request = new StringContent(body, System.Text.Encoding.UTF8);
            request.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type!);
            HttpResponseMessage response = await http.PostAsync("/fl_predict", request);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 100)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100);
        }
    }
}
