using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary>The JSON bodies of <c>/scorecard</c> and <c>/model_card</c> that a trained host serves are what its OpenAPI document declares.</summary>
public sealed class ReportSchemaTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ScorecardAndModelCard_AfterTraining_MatchTheirDocumentedSchemas()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();
        Task<PrivateFl.ClientSdk.TrainingReport[]> peers = fixture.PeersTrainAsync();
        using HttpResponseMessage train = await http.PostAsJsonAsync("/fl_train?wait=true", new { addr = "bank.csv" }).WaitAsync(Limit);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        await peers.WaitAsync(Limit);
        using JsonDocument document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        Dictionary<string, JsonElement> operations = OpenApiDocumentTests.Operations(document.RootElement);

        foreach ((string operation, string path) in new[] { ("GET /scorecard", "/scorecard"), ("GET /model_card", "/model_card") })
        {
            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            JsonElement schema = operations[operation].GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");

            Assert.Empty(Violations(body.RootElement, schema, path));
        }
    }

    [Fact]
    public void Violations_ValueOffTheSchema_AreFound()
    {
        // The checker the test above relies on finds a wrong type, a missing field, an undeclared one, and a bad array item.
        using JsonDocument schema = JsonDocument.Parse("""
            {"type":"object","required":["a","b"],"properties":{"a":{"type":["number","null"]},"b":{"type":"array","items":{"type":"string"}},"c":{"type":"integer"}}}
            """);
        using JsonDocument value = JsonDocument.Parse("""{"a":"x","b":["y",1],"c":1.5,"d":true}""");

        Assert.Equal(4, Violations(value.RootElement, schema.RootElement, "$").Count());
    }

    /// <summary>Types (with null), required and undeclared properties, array items, recursively.</summary>
    private static IEnumerable<string> Violations(JsonElement value, JsonElement schema, string path)
    {
        string[] types = schema.TryGetProperty("type", out JsonElement type)
            ? type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!]
            : [];
        string kind = value.ValueKind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        };
        if (types.Length > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            yield return $"{path} is {kind}, declared {string.Join("|", types)}";
            yield break;
        }

        if (kind == "object" && schema.TryGetProperty("properties", out JsonElement properties))
        {
            foreach (JsonElement required in schema.TryGetProperty("required", out JsonElement r) ? r.EnumerateArray() : default(JsonElement.ArrayEnumerator))
            {
                if (!value.TryGetProperty(required.GetString()!, out _))
                {
                    yield return $"{path}.{required.GetString()} is missing";
                }
            }

            foreach (JsonProperty property in value.EnumerateObject())
            {
                if (!properties.TryGetProperty(property.Name, out JsonElement declared))
                {
                    yield return $"{path}.{property.Name} is not declared";
                    continue;
                }

                foreach (string violation in Violations(property.Value, declared, $"{path}.{property.Name}"))
                {
                    yield return violation;
                }
            }
        }

        if (kind == "array" && schema.TryGetProperty("items", out JsonElement items))
        {
            int i = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                foreach (string violation in Violations(item, items, $"{path}[{i}]"))
                {
                    yield return violation;
                }

                i++;
            }
        }
    }
}
