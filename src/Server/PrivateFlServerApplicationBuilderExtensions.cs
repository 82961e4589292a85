using Microsoft.Extensions.Options;
using PrivateFl.Server.Observability;
using PrivateFl.Server.Security;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the PrivateFl server's request pipeline.</summary>
public static class PrivateFlServerApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the checks that run before gRPC: plaintext requests on non-loopback addresses are refused, and every
    /// PrivateFl call is authenticated from its headers before its body is read (specs/api.md, "Authentication").
    /// Call it before <see cref="PrivateFlServerEndpointRouteBuilderExtensions.MapPrivateFlServer"/>; without it
    /// every federation call is refused.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IApplicationBuilder UsePrivateFlServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<IOptions<ObservabilityOptions>>()?.Value.ScrapePath is { } scrapePath)
        {
            // The management listener serves the scrape endpoint and nothing else; gRPC never sees its requests.
            app.MapWhen(ManagementListener.IsManagement, management =>
            {
                management.UseMiddleware<ScrapeAuthenticationMiddleware>();
                management.UseOpenTelemetryPrometheusScrapingEndpoint(scrapePath);
                management.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        }

        app.UseMiddleware<PlaintextGuardMiddleware>();
        app.UseMiddleware<CallAuthenticationMiddleware>();
        return app;
    }
}
