using System.Net;
using System.Text;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests.Claims;

/// <summary>
/// specs/rest-api.md, POST /fl_predict: "two fields for one column (credit and credit_amount together: 400 naming
/// credit)", and the checks run whether or not a model is cached (docs/claims.md R9).
/// </summary>
public sealed class PredictFieldClaimsTests
{
    private const string Others = "\"age\": 30, \"sex\": \"male\", \"job\": 2, \"housing\": \"own\", \"duration\": 12, \"purpose\": \"car\"";

    public static TheoryData<string, string> Bodies => new()
    {
        { "json", "{" + Others + ", \"credit\": 1000, \"credit_amount\": 1000}" },
        { "json", "{\"credit_amount\": 2500, " + Others + ", \"credit\": 1000}" },
        { "form", "age=30&sex=male&job=2&housing=own&duration=12&purpose=car&credit=1000&credit_amount=1000" },
        { "form", "credit_amount=1000&age=30&sex=male&job=2&housing=own&duration=12&purpose=car&credit=1000" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Predict_CreditAndCreditAmountTogether_400NamingCreditAloneEvenWithoutAModel(string shape, string body)
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsync("/fl_predict", Content(shape, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["credit"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    /// <summary>Control: either spelling alone is a valid request, which without a model is 503, not 400.</summary>
    [Theory]
    [InlineData("credit")]
    [InlineData("credit_amount")]
    public async Task Predict_EitherSpellingAlone_AcceptedAndAnsweredWithoutAModelAs503(string field)
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        using HttpResponseMessage response = await http.PostAsync("/fl_predict", Content("json", "{" + Others + $", \"{field}\": 1000}}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private static StringContent Content(string shape, string body) =>
        new StringContent(body, Encoding.UTF8, shape == "json" ? "application/json" : "application/x-www-form-urlencoded");
}
