using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// A bank whose export has its own header names trains through the REST host by configuration
/// (<c>RestHostOptions:Schema</c> and <c>RestHostOptions:ColumnMapping</c>), in a session created from a schema file.
/// </summary>
public sealed class ColumnMappingHostTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Train_TaiwanExportWithOwnHeadersAndTheMapping_TrainsInTheSessionCreatedFromTheSchemaFile()
    {
        var settings = new Dictionary<string, string> { ["RestHostOptions:Schema"] = "taiwan-credit" };
        foreach ((string header, string column) in RestHostFixture.TaiwanOwnHeaders)
        {
            settings[$"RestHostOptions:ColumnMapping:{header}"] = column;
        }

        await using RestHostFixture fixture = await RestHostFixture.StartAsync(hostSettings: settings, schema: CreditSchemas.TaiwanCredit);
        using HttpClient http = fixture.CreateClient();
        Task<TrainingReport[]> peers = fixture.PeersTrainAsync();

        using HttpResponseMessage train = await http.PostAsync("/fl_train?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "taiwan-own-headers.csv" })).WaitAsync(Limit);

        string body = await train.Content.ReadAsStringAsync();
        Assert.True(train.StatusCode == HttpStatusCode.OK, body);
        using JsonDocument report = JsonDocument.Parse(body);
        Assert.Equal(1, report.RootElement.GetProperty("rounds_participated").GetInt32());
        Assert.All(await peers.WaitAsync(Limit), r => Assert.Equal(1, r.RoundsParticipated));

        // It scores with the names it trains with: the first row of its own export, under its own headers, scores the
        // same as under the schema's column names.
        string[] lines = await File.ReadAllLinesAsync(Path.Combine(fixture.DataRoot, "taiwan-own-headers.csv"));
        string[] headers = lines[0].Split(',');
        string[] values = lines[1].Split(',');
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        var schemaNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < headers.Length; i++)
        {
            string column = RestHostFixture.TaiwanOwnHeaders.GetValueOrDefault(headers[i], headers[i]);
            if (column != CreditSchemas.TaiwanCredit.LabelColumn)
            {
                own[headers[i]] = values[i];
                schemaNames[column] = values[i];
            }
        }

        Assert.Contains("Credit limit", own.Keys);
        double? byOwn = null;
        foreach (Dictionary<string, string> form in new[] { own, schemaNames })
        {
            HttpResponseMessage predict;
            for (int attempt = 0; ; attempt++)
            {
                predict = await http.PostAsync("/fl_predict", new FormUrlEncodedContent(form));
                if (predict.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 100)
                {
                    break;
                }

                predict.Dispose();
                await Task.Delay(100);
            }

            using (predict)
            {
                string text = await predict.Content.ReadAsStringAsync();
                Assert.True(predict.StatusCode == HttpStatusCode.OK, text);
                using JsonDocument scored = JsonDocument.Parse(text);
                double probability = scored.RootElement.GetProperty("probability_of_default").GetDouble();
                byOwn ??= probability;
                Assert.Equal(byOwn.Value, probability, 12);
            }
        }
    }

    [Fact]
    public async Task Train_TaiwanExportWithOwnHeadersWithoutTheMapping_400NamingEachMissingColumn()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(hostSettings: new Dictionary<string, string> { ["RestHostOptions:Schema"] = "taiwan-credit" }, schema: CreditSchemas.TaiwanCredit);
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "taiwan-own-headers.csv" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["addr", "LIMIT_BAL", "SEX", "PAY_0", "default"], errors.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("The required column 'LIMIT_BAL' is missing from the header (found 'Credit limit'", errors.GetProperty("LIMIT_BAL")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("The data set does not fit the schema 'taiwan-credit' (RestHostOptions:Schema): 4 problems.", errors.GetProperty("addr")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_GermanHostInATaiwanSession_JobFailsWithTheSchemaMismatch()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync(schema: CreditSchemas.TaiwanCredit);
        using HttpClient http = fixture.CreateClient();

        // The host's own schema (german-credit, the default) is not the session's: the SDK refuses before any round.
        using HttpResponseMessage train = await http.PostAsync("/fl_train?wait=true", new FormUrlEncodedContent(new Dictionary<string, string> { ["addr"] = "bank.csv" })).WaitAsync(Limit);

        Assert.Equal(HttpStatusCode.BadGateway, train.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await train.Content.ReadAsStringAsync());
        Assert.Contains("The session's schema is 'taiwan-credit' version 1; the data's is 'german-credit' version 2.", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_GermanCreditWithoutMapping()
    {
        var options = new RestHostOptions();

        Assert.Equal("german-credit", options.Schema);
        Assert.Empty(options.ColumnMapping);
    }

    [Theory]
    [InlineData("taiwan-credit", "Credit limit", "LIMIT_BALANCE", "RestHostOptions:ColumnMapping:Credit limit: 'LIMIT_BALANCE' is not a column of schema 'taiwan-credit'")]
    [InlineData("german-credit", "Credit limit", "LIMIT_BAL", "RestHostOptions:ColumnMapping:Credit limit: 'LIMIT_BAL' is not a column of schema 'german-credit'")]
    [InlineData("taiwan-credit", " Credit limit", "LIMIT_BAL", "RestHostOptions:ColumnMapping: the header ' Credit limit' is empty or has surrounding white space")]
    [InlineData("taiwan-credit", "pay_2", "LIMIT_BAL", "RestHostOptions:Schema: The bank's header 'pay_2' (RestHostOptions:ColumnMapping) is the request field of the column 'PAY_2' too")]
    [InlineData("no-such-schema", "Credit limit", "LIMIT_BAL", "RestHostOptions:Schema 'no-such-schema' is neither a built-in schema (german-credit, taiwan-credit) nor an existing schema file.")]
    public void Validate_BadSchemaOrMapping_FailsAtStartUpNamingTheSetting(string schema, string header, string column, string expected)
    {
        var options = new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = schema };
        options.ColumnMapping[header] = column;

        Microsoft.Extensions.Options.ValidateOptionsResult result = new RestHostOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoHeadersForOneColumn_FailsNamingBoth()
    {
        var options = new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = "taiwan-credit" };
        options.ColumnMapping["Limit"] = "LIMIT_BAL";
        options.ColumnMapping["Credit limit"] = "LIMIT_BAL";

        Microsoft.Extensions.Options.ValidateOptionsResult result = new RestHostOptionsValidator().Validate(null, options);

        Assert.Contains("RestHostOptions:ColumnMapping:Credit limit: 'LIMIT_BAL' is already the target of the header 'Limit'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SchemaFile_IsReadAndItsErrorsNamed()
    {
        string good = Path.Combine(AppContext.BaseDirectory, "data", "schemas", "taiwan-credit.json");
        string bad = Path.Combine(Path.GetTempPath(), $"privatefl-bad-schema-{Guid.NewGuid():n}.json");
        File.WriteAllText(bad, """{"name":"x","version":1,"columns":[{"name":"A","kind":"numeric","min":5,"max":1}],"label":{"column":"L","positive":"1","negative":"0"}}""");
        try
        {
            var valid = new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = good };
            valid.ColumnMapping["Credit limit"] = "LIMIT_BAL";
            var invalid = new RestHostOptions { DataRoot = Path.GetTempPath(), Schema = bad };

            Assert.True(new RestHostOptionsValidator().Validate(null, valid).Succeeded);
            Assert.Contains("is not a valid schema file: Schema JSON, $.columns[0].max:", new RestHostOptionsValidator().Validate(null, invalid).FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
