namespace PrivateFl.RestHost;

/// <summary>
/// The interactive page at <c>/docs</c>: a small page of the host's own (HTML, script and style embedded in this
/// assembly) that reads <c>/openapi/v1.json</c>, lists every operation with its responses and security, and sends
/// predictions, training requests and report reads. It loads nothing from another origin, and its
/// Content-Security-Policy makes the browser refuse anything that would.
/// </summary>
/// <remarks>
/// It replaces a vendor reference page whose 4.9 MB script carried links to the vendor's proxy, registry and AI agent
/// and loaded fonts from the vendor's servers: a bank's host may have no internet access, and must not send its API
/// description or requests anywhere.
/// </remarks>
internal static class DocsPage
{
    /// <summary>Allows the page's own script, style and calls only; nothing from another origin, no inline code, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        // Routing matches "/docs/" too.
        ("/docs", "index.html", "text/html; charset=utf-8"),
        ("/docs/docs.js", "docs.js", "text/javascript; charset=utf-8"),
        ("/docs/docs.css", "docs.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Maps the page and its two assets.</summary>
    public static IEndpointRouteBuilder MapDocsPage(this IEndpointRouteBuilder app)
    {
        foreach ((string path, string resource, string contentType) in Assets)
        {
            byte[] content = Read(resource);
            app.MapGet(path, (HttpContext context) =>
                {
                    IHeaderDictionary headers = context.Response.Headers;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.CacheControl = "no-cache";
                    return TypedResults.Bytes(content, contentType);
                })
                .ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Read(string resource)
    {
        using Stream stream = typeof(DocsPage).Assembly.GetManifestResourceStream("PrivateFl.RestHost.Docs." + resource)
            ?? throw new InvalidOperationException($"The page asset '{resource}' is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
