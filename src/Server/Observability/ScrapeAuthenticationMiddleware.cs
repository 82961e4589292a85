using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;
using PrivateFl.Server.Security;

namespace PrivateFl.Server.Observability;

/// <summary>
/// Lets a scrape through only with the admin API key, as <c>Authorization: Bearer &lt;key&gt;</c> (what Prometheus
/// sends with <c>authorization: { credentials: … }</c>) or in <c>x-privatefl-admin-key</c>.
/// </summary>
internal sealed partial class ScrapeAuthenticationMiddleware(RequestDelegate next, IOptions<ServerOptions> options, ILogger<ScrapeAuthenticationMiddleware> logger)
{
    private const string BearerPrefix = "Bearer ";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string authorization = context.Request.Headers.Authorization.ToString();
        string presented = authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[BearerPrefix.Length..].Trim()
            : context.Request.Headers[CallAuthenticationMiddleware.AdminKeyHeader].ToString();
        if (AdminKeyCheck.Matches(options.Value.AdminApiKey, presented))
        {
            return next(context);
        }

        LogScrapeRefused(logger);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, EventName = "ScrapeRefused", Message = "A metrics scrape was refused: wrong or missing admin API key.")]
    private static partial void LogScrapeRefused(ILogger logger);
}
