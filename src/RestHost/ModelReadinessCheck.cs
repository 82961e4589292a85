using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PrivateFl.RestHost;

/// <summary>Ready when a trained global model is cached for predictions.</summary>
internal sealed class ModelReadinessCheck(ModelCache models) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The same (shared) refresh as the server check, so both describe one moment.
        await models.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return models.Current is { } current
            ? HealthCheckResult.Healthy($"Model version {current.Model.Version} is cached.")
            : HealthCheckResult.Unhealthy("No trained model is cached: the federation has not trained one yet, or the server has not been reached.");
    }
}
