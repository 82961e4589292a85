using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PrivateFl.Server.Observability;

/// <summary>
/// Healthy once the store is migrated. It reads a flag and never queries the database: the gRPC health service needs
/// no key, so a check that touched the store would let anyone load it.
/// </summary>
internal sealed class StoreHealthCheck(ServerReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.StoreMigrated ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The store is not migrated yet."));
}
