using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace PrivateFl.RestHost;

/// <summary>Adds the REST host's metrics and, with <c>Observability:PrometheusEndpoint</c>, their scrape endpoint.</summary>
internal static class RestHostObservabilityExtensions
{
    private const string BearerPrefix = "Bearer ";

    public static IServiceCollection AddRestHostObservability(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ObservabilityOptions>().BindConfiguration("Observability").ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>();
        services.AddSingleton<RestHostMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(RestHostMetrics.MeterName).AddPrometheusExporter());
        return services;
    }

    public static WebApplication UseRestHostObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value.ScrapePath is not { } path)
        {
            return app;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path.Equals(path, StringComparison.Ordinal),
            path: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => Authorized(context) ? next(context) : Refuse(context)),
            optionsName: null);
        return app;
    }

    /// <summary>With an API key configured the scrape needs it, compared in fixed time as <c>/fl_train</c> does.</summary>
    private static bool Authorized(HttpContext context)
    {
        string apiKey = context.RequestServices.GetRequiredService<IOptions<RestHostOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(apiKey))
        {
            return true;
        }

        string authorization = context.Request.Headers.Authorization.ToString();
        string presented = authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? authorization[BearerPrefix.Length..].Trim() : context.Request.Headers["X-Api-Key"].ToString();
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    private static Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
