using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PrivateFl.RestHost;

/// <summary>Ready when the aggregation server answers a call now, within <see cref="RestHostOptions.ServerProbeTimeout"/>.</summary>
internal sealed class ServerReadinessCheck(ModelCache models) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ServerState state = await models.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return state.Answers
            ? HealthCheckResult.Healthy("The aggregation server answers.")
            : HealthCheckResult.Unhealthy($"The aggregation server does not answer: {state.Problem}");
    }
}
