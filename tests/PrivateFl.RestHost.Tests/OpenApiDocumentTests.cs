using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// The OpenAPI document says what the host does: each operation's statuses with their bodies, the API key where the
/// host enforces it, tags, and a request example that the host accepts; and every refusal the host gives is one the
/// document lists for that operation.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string Key = "doc-key-0123456789";

    private static readonly Dictionary<string, string[]> Statuses = new()
    {
        ["POST /fl_train"] = ["200", "202", "400", "401", "409", "413", "415", "502"],
        ["GET /fl_train/{id}"] = ["200", "401", "404"],
        ["POST /fl_predict"] = ["200", "400", "401", "413", "415", "503"],
        ["GET /scorecard"] = ["200", "400", "404", "503"],
        ["GET /model_card"] = ["200", "400", "503"],
        ["GET /healthz"] = ["200"],
        ["GET /readyz"] = ["200", "503"],
    };

    [Fact]
    public async Task OpenApi_KeyRequiredForPredict_EveryOperationListsItsStatusesBodiesTagsAndSecurity()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key, hostSettings: new Dictionary<string, string> { ["RestHostOptions:RequireApiKeyForPredict"] = "true" });
        using HttpClient http = fixture.CreateClient();

        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        JsonElement root = document.RootElement;
        Dictionary<string, JsonElement> operations = Operations(root);
        Assert.Equal(Statuses.Keys.Order(StringComparer.Ordinal), operations.Keys.Order(StringComparer.Ordinal));
        foreach ((string operation, string[] statuses) in Statuses)
        {
            JsonElement responses = operations[operation].GetProperty("responses");
            Assert.Equal(statuses, responses.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
            foreach (JsonProperty response in responses.EnumerateObject())
            {
                Assert.False(string.IsNullOrWhiteSpace(response.Value.GetProperty("description").GetString()), $"{operation} {response.Name}");
                Assert.True(response.Value.TryGetProperty("content", out JsonElement content), $"{operation} {response.Name} has no body");
                if (response.Name[0] is '4' or '5' && !operation.EndsWith("/readyz", StringComparison.Ordinal))
                {
                    string schema = content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()!;
                    Assert.Contains(schema, new[] { "#/components/schemas/ProblemDetails", "#/components/schemas/HttpValidationProblemDetails" });
                }
            }
        }

        Assert.Equal("#/components/schemas/PredictionResponse", Ref(operations["POST /fl_predict"], "200"));
        Assert.Equal("#/components/schemas/TrainingReportView", Ref(operations["POST /fl_train"], "200"));
        Assert.Equal("#/components/schemas/TrainingJob", Ref(operations["POST /fl_train"], "202"));
        Assert.Equal("#/components/schemas/TrainingJob", Ref(operations["GET /fl_train/{id}"], "200"));
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", Ref(operations["POST /fl_predict"], "400", "application/problem+json"));

        JsonElement wait = operations["POST /fl_train"].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "wait");
        Assert.Equal("query", wait.GetProperty("in").GetString());
        Assert.Contains("502", wait.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Numbers are written and described as numbers only (not the web default "integer or string").
        JsonElement job = root.GetProperty("components").GetProperty("schemas").GetProperty("TrainingJob").GetProperty("properties");
        Assert.Equal("integer", job.GetProperty("rows").GetProperty("type").GetString());
        Assert.Equal("number", root.GetProperty("components").GetProperty("schemas").GetProperty("PredictionResponse").GetProperty("properties").GetProperty("probability").GetProperty("type").GetString());

        JsonElement scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        string[] secured = [.. operations.Where(o => o.Value.TryGetProperty("security", out _)).Select(o => o.Key).Order(StringComparer.Ordinal)];
        Assert.Equal(["GET /fl_train/{id}", "POST /fl_predict", "POST /fl_train"], secured);
        Assert.All(secured, o => Assert.True(operations[o].GetProperty("security")[0].TryGetProperty("ApiKey", out _)));
        Assert.All(operations.Keys.Where(o => !secured.Contains(o)), o => Assert.False(operations[o].GetProperty("responses").TryGetProperty("401", out _), o));

        string[] tags = [.. root.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.Equal(["Training", "Prediction", "Model reports", "Health"], tags);
        Assert.All(root.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
        Assert.Equal("Training", operations["POST /fl_train"].GetProperty("tags")[0].GetString());
        Assert.Equal("Prediction", operations["POST /fl_predict"].GetProperty("tags")[0].GetString());
        Assert.Equal("Model reports", operations["GET /scorecard"].GetProperty("tags")[0].GetString());
        Assert.Equal("Health", operations["GET /readyz"].GetProperty("tags")[0].GetString());
        Assert.Contains(CreditSchemas.GermanCredit.Hash, root.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_NoKeyConfigured_NoOperationNeedsItAndNoneLists401()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        Dictionary<string, JsonElement> operations = Operations(document.RootElement);
        Assert.All(operations, o => Assert.False(o.Value.TryGetProperty("security", out _), o.Key));
        Assert.All(operations, o => Assert.False(o.Value.GetProperty("responses").TryGetProperty("401", out _), o.Key));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
    }

    [Fact]
    public async Task OpenApi_ModelCardWithTestSetAndKey_Lists401And500()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key, hostSettings: new Dictionary<string, string> { ["ModelCardOptions:TestDataset"] = "bank.csv" });
        using HttpClient http = fixture.CreateClient();

        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        JsonElement card = Operations(document.RootElement)["GET /model_card"];
        Assert.Equal(["200", "400", "401", "500", "503"], card.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.True(card.TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Refusals_EachStatusTheHostGives_IsDocumentedForThatOperationWithAProblemBody()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(apiKey: Key, hostSettings: new Dictionary<string, string> { ["RestHostOptions:RequireApiKeyForPredict"] = "true" });
        using HttpClient http = fixture.CreateClient();
        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        Dictionary<string, JsonElement> operations = Operations(document.RootElement);
        string example = await ApiKeyTests.ExampleAsync(http);
        var calls = new (string Operation, HttpStatusCode Expected, Func<HttpRequestMessage> Request)[]
        {
            ("POST /fl_predict", HttpStatusCode.Unauthorized, () => new HttpRequestMessage(HttpMethod.Post, "/fl_predict") { Content = ApiKeyTests.Json(example) }),
            ("POST /fl_predict", HttpStatusCode.BadRequest, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_predict", Key, ApiKeyTests.Json("{\"age\":\"old\"}"))),
            ("POST /fl_predict", HttpStatusCode.RequestEntityTooLarge, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_predict", Key, ApiKeyTests.Json("{\"age\":\"" + new string('1', 70_000) + "\"}"))),
            ("POST /fl_predict", HttpStatusCode.UnsupportedMediaType, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_predict", Key, new StringContent("age=30", System.Text.Encoding.UTF8, "text/plain"))),
            ("POST /fl_predict", HttpStatusCode.ServiceUnavailable, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_predict", Key, ApiKeyTests.Json(example))),
            ("POST /fl_train", HttpStatusCode.Unauthorized, () => new HttpRequestMessage(HttpMethod.Post, "/fl_train") { Content = JsonContent.Create(new { addr = "bank.csv" }) }),
            ("POST /fl_train", HttpStatusCode.BadRequest, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_train", Key, JsonContent.Create(new { addr = "missing.csv" }))),
            ("POST /fl_train", HttpStatusCode.RequestEntityTooLarge, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_train", Key, ApiKeyTests.Json("{\"addr\":\"" + new string('a', 70_000) + "\"}"))),
            ("POST /fl_train", HttpStatusCode.UnsupportedMediaType, () => ApiKeyTests.WithKey(HttpMethod.Post, "/fl_train", Key, new StringContent("addr=bank.csv", System.Text.Encoding.UTF8, "text/csv"))),
            ("GET /fl_train/{id}", HttpStatusCode.Unauthorized, () => new HttpRequestMessage(HttpMethod.Get, $"/fl_train/{Guid.NewGuid()}")),
            ("GET /fl_train/{id}", HttpStatusCode.NotFound, () => ApiKeyTests.WithKey(HttpMethod.Get, $"/fl_train/{Guid.NewGuid()}", Key)),
            ("GET /scorecard", HttpStatusCode.BadRequest, () => new HttpRequestMessage(HttpMethod.Get, "/scorecard?format=xml")),
            ("GET /scorecard", HttpStatusCode.ServiceUnavailable, () => new HttpRequestMessage(HttpMethod.Get, "/scorecard")),
            ("GET /model_card", HttpStatusCode.BadRequest, () => new HttpRequestMessage(HttpMethod.Get, "/model_card?format=xml")),
            ("GET /model_card", HttpStatusCode.ServiceUnavailable, () => new HttpRequestMessage(HttpMethod.Get, "/model_card")),
            ("GET /readyz", HttpStatusCode.ServiceUnavailable, () => new HttpRequestMessage(HttpMethod.Get, "/readyz")),
            ("GET /healthz", HttpStatusCode.OK, () => new HttpRequestMessage(HttpMethod.Get, "/healthz")),
        };

        foreach ((string operation, HttpStatusCode expected, Func<HttpRequestMessage> request) in calls)
        {
            using HttpRequestMessage message = request();
            using HttpResponseMessage response = await http.SendAsync(message);

            Assert.True(expected == response.StatusCode, $"{operation}: expected {expected}, got {response.StatusCode}");
            string status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            Assert.True(operations[operation].GetProperty("responses").TryGetProperty(status, out JsonElement documented), $"{operation} answered {status}, which its document does not list");
            string mediaType = response.Content.Headers.ContentType?.MediaType ?? "none";
            Assert.True(documented.GetProperty("content").TryGetProperty(mediaType, out _), $"{operation} {status} answered {mediaType}, which its document does not list");
        }
    }

    [Theory]
    [InlineData(CreditSchemas.GermanCreditName)]
    [InlineData(CreditSchemas.TaiwanCreditName)]
    public async Task OpenApi_PredictExample_ValidatesAgainstTheRequestSchemaAndPassesTheHostsChecks(string schemaName)
    {
        await using RestHostFixture fixture = schemaName == CreditSchemas.TaiwanCreditName
            ? await RestHostFixture.StartTaiwanAsync(ModelSpecification.LogisticRegression)
            : await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        JsonElement content = Operations(document.RootElement)["POST /fl_predict"].GetProperty("requestBody").GetProperty("content");

        foreach (string mediaType in new[] { "application/json", "application/x-www-form-urlencoded" })
        {
            JsonElement body = content.GetProperty(mediaType);
            Assert.Empty(SchemaViolations(body.GetProperty("example"), body.GetProperty("schema")));
        }

        // Past every check of the host (a bad field would be 400): with no model trained yet the answer is 503.
        using HttpResponseMessage response = await http.PostAsync("/fl_predict", ApiKeyTests.Json(content.GetProperty("application/json").GetProperty("example").GetRawText()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public void SchemaViolations_ExampleOutsideTheSchema_AreFound()
    {
        // The validator the example test relies on finds each kind of violation.
        using JsonDocument schema = JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"required":["a","c"],
             "properties":{"a":{"type":["number","string"],"minimum":0,"maximum":10},"b":{"type":["string","number"],"enum":["x","y"]},"c":{"type":["number","string"]}}}
            """);
        using JsonDocument example = JsonDocument.Parse("""{"a":11,"b":"z","d":1}""");

        string[] violations = [.. SchemaViolations(example.RootElement, schema.RootElement)];

        Assert.Equal(4, violations.Length);
    }

    /// <summary>A check of an example against the subset of JSON Schema the request schema uses.</summary>
    internal static IEnumerable<string> SchemaViolations(JsonElement example, JsonElement schema)
    {
        JsonElement properties = schema.GetProperty("properties");
        foreach (JsonElement required in schema.GetProperty("required").EnumerateArray())
        {
            if (!example.TryGetProperty(required.GetString()!, out _))
            {
                yield return $"{required.GetString()} is required";
            }
        }

        foreach (JsonProperty field in example.EnumerateObject())
        {
            if (!properties.TryGetProperty(field.Name, out JsonElement property))
            {
                yield return $"{field.Name} is not a property";
                continue;
            }

            string[] types = [.. property.GetProperty("type").EnumerateArray().Select(t => t.GetString()!)];
            string kind = field.Value.ValueKind == JsonValueKind.Number ? "number" : field.Value.ValueKind == JsonValueKind.String ? "string" : "other";
            if (!types.Contains(kind))
            {
                yield return $"{field.Name} is a {kind}";
            }

            if (property.TryGetProperty("enum", out JsonElement allowed) && !allowed.EnumerateArray().Any(a => a.ToString() == field.Value.ToString()))
            {
                yield return $"{field.Name} is not an allowed value";
            }

            if (property.TryGetProperty("minimum", out JsonElement minimum)
                && (kind != "number" || field.Value.GetDouble() < minimum.GetDouble() || field.Value.GetDouble() > property.GetProperty("maximum").GetDouble()))
            {
                yield return $"{field.Name} is outside [{minimum}, {property.GetProperty("maximum")}]";
            }
        }
    }

    /// <summary>The document's operations, keyed "METHOD /path".</summary>
    internal static Dictionary<string, JsonElement> Operations(JsonElement document)
    {
        var operations = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject())
            {
                operations[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = operation.Value.Clone();
            }
        }

        return operations;
    }

    private static string? Ref(JsonElement operation, string status, string mediaType = "application/json") =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty(mediaType).GetProperty("schema").GetProperty("$ref").GetString();
}
