using System.Net;
using System.Text.RegularExpressions;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// The interactive page works without internet: it and every asset it references come from the host, nothing points
/// off the host, the browser is told to refuse anything that would, and no vendor buttons are on it.
/// </summary>
public sealed partial class DocsPageTests
{
    private static readonly string[] VendorTexts = ["Ask AI", "Deploy", "Share", "Generate MCP", "Open in API Client", "scalar"];

    [Fact]
    public async Task Docs_PageAndEveryAssetItReferences_ComeFromTheHostWithNothingOffHostAndNoVendorButtons()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        var fetched = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Queue<string>(["/docs"]);
        var calls = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out string? path))
        {
            if (fetched.ContainsKey(path))
            {
                continue;
            }

            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {response.StatusCode}");
            string text = await response.Content.ReadAsStringAsync();
            fetched[path] = text;
            foreach (string reference in Assets(text))
            {
                Assert.True(IsOnHost(reference), $"{path} references '{reference}', which is not on the host");
                if (reference.StartsWith('/'))
                {
                    pending.Enqueue(reference.Split('?', '#')[0]);
                }
            }

            foreach (string call in ScriptPath().Matches(text).Select(m => m.Groups["url"].Value))
            {
                calls.Add(call.Split('?', '#')[0]);
            }
        }

        // The page loads its script and style; the script reads the document and calls only operations it describes.
        Assert.Superset(new HashSet<string> { "/docs", "/docs/docs.js", "/docs/docs.css" }, fetched.Keys.ToHashSet());
        string document = await http.GetStringAsync("/openapi/v1.json");
        Assert.Superset(new HashSet<string> { "/openapi/v1.json", "/fl_predict", "/fl_train" }, calls);
        Assert.All(calls.Where(c => c != "/openapi/v1.json"), call => Assert.Contains($"\"{call.TrimEnd('/')}", document, StringComparison.Ordinal));
        foreach ((string path, string text) in fetched.Where(f => f.Key.StartsWith("/docs", StringComparison.Ordinal)))
        {
            Assert.DoesNotMatch(AnyUrl(), text);
            Assert.All(VendorTexts, vendor => Assert.DoesNotContain(vendor, text, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Docs_PageAndAssets_CarryAPolicyAllowingOnlyTheHost()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        foreach (string path in new[] { "/docs", "/docs/", "/docs/docs.js", "/docs/docs.css" })
        {
            using HttpResponseMessage response = await http.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task Docs_NotInTheOpenApiDocument()
    {
        await using RestHostFixture fixture = await RestHostFixture.StartAsync();
        using HttpClient http = fixture.CreateClient();

        string document = await http.GetStringAsync("/openapi/v1.json");

        Assert.DoesNotContain("\"/docs", document, StringComparison.Ordinal);
    }

    /// <summary>Every asset URL a page or style names: attributes and CSS url().</summary>
    private static IEnumerable<string> Assets(string text) =>
        Attribute().Matches(text).Select(m => m.Groups["url"].Value)
            .Concat(CssUrl().Matches(text).Select(m => m.Groups["url"].Value))
            .Where(url => url.Length > 0);

    private static bool IsOnHost(string reference) =>
        reference.StartsWith("data:", StringComparison.Ordinal)
        || reference.StartsWith('#')
        || (reference.StartsWith('/') && !reference.StartsWith("//", StringComparison.Ordinal));

    [GeneratedRegex("""\b(?:src|href|action|srcset|poster|data)\s*=\s*["'](?<url>[^"']*)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex Attribute();

    [GeneratedRegex("""url\(\s*["']?(?<url>[^"')]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    [GeneratedRegex("""['"`](?<url>/(?:fl_|openapi|scorecard|model_card|healthz|readyz)[^'"`]*)['"`]""")]
    private static partial Regex ScriptPath();

    [GeneratedRegex("""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", RegexOptions.IgnoreCase)]
    private static partial Regex AnyUrl();
}
