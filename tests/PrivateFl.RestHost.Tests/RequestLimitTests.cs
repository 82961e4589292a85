using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary>The requests that used to end in 500 or be silently resolved: each now gets a 400, 413 or 415 problem document naming the field.</summary>
public sealed class RequestLimitTests(HostileHost host) : IClassFixture<HostileHost>
{
    public static TheoryData<string, string, string> BadJson => new()
    {
        { "/fl_train", """{"addr":"bank\u0000.csv"}""", "addr" },
        { "/fl_train", """{"addr":"\ud800.csv"}""", "addr" },
        { "/fl_train", """{"addr":"a.csv","addr":"b.csv"}""", "addr" },
        { "/fl_train", """{"addr":"a.csv","ADDR":"b.csv"}""", "ADDR" },
        { "/fl_train", """{"addr":{"nested":1}}""", "addr" },
        { "/fl_train", """[1,2]""", "body" },
        { "/fl_train", """{"addr":""", "body" },
        { "/fl_predict", """{"age":30,"sex":"male","job":2,"housing":"own","credit":1000,"credit_amount":2000,"duration":12,"purpose":"car"}""", "credit" },
        { "/fl_predict", """{"age":30,"Age":31}""", "Age" },
        { "/fl_predict", """{"sex":"\udc00"}""", "sex" },
        { "/fl_predict", """{"\ud800":"x"}""", "body" },
        { "/fl_train", """{"addr":"a.csv","x":[[[[[1]]]]]}""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadJson))]
    public async Task Post_BadJson_400NamingTheField(string path, string json, string field)
    {
        using HttpResponseMessage response = await SendAsync(path, Encoding.UTF8.GetBytes(json), "application/json");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("/fl_train")]
    [InlineData("/fl_predict")]
    public async Task Post_InvalidUtf8InAJsonString_400NamingTheField(string path)
    {
        byte[] body = [.. "{\"addr\":\""u8, 0xC3, 0x28, 0xFF, .. "\",\"sex\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        using HttpResponseMessage response = await SendAsync(path, body, "application/json");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public async Task Post_MoreThan1024FormFields_400NamingTheBody()
    {
        string form = string.Join("&", Enumerable.Range(0, 1025).Select(i => $"f{i}=v"));

        using HttpResponseMessage response = await SendAsync("/fl_train", Encoding.ASCII.GetBytes(form), "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Post_DuplicateFormFieldDifferingInCase_400NamingIt()
    {
        using HttpResponseMessage response = await SendAsync("/fl_train", "addr=a.csv&Addr=b.csv"u8.ToArray(), "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "addr");
    }

    [Fact]
    public async Task Post_LongFormValueWithinTheBodyLimit_400NamingTheBody()
    {
        using HttpResponseMessage response = await SendAsync("/fl_predict", Encoding.ASCII.GetBytes("sex=" + new string('m', 10_000)), "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(35)]
    [InlineData(100)]
    public async Task Post_BodyOfManyMegabytes_413ProblemNamingTheBody(int megabytes)
    {
        byte[] form = new byte[megabytes << 20];
        "addr="u8.CopyTo(form);
        form.AsSpan(5).Fill((byte)'a');

        using HttpResponseMessage response = await SendAsync("/fl_train", form, "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task Post_ChunkedBodyOverTheLimit_413()
    {
        using HttpClient http = host.CreateClient();
        using var content = new StreamContent(new MemoryStream(new byte[1 << 20]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fl_predict") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Post_OtherContentType_415NamingContentType(string type)
    {
        using HttpResponseMessage response = await SendAsync("/fl_predict", "addr=x"u8.ToArray(), type);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    private async Task<HttpResponseMessage> SendAsync(string path, byte[] body, string contentType)
    {
        using HttpClient http = host.CreateClient();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await http.PostAsync(path, content);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        JsonElement errors = problem.RootElement.GetProperty("errors");
        Assert.NotEmpty(errors.EnumerateObject());
        if (field is not null)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"No error names '{field}': {body}");
        }
    }
}
