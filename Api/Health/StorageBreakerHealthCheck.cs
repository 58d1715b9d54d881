using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Health;

/// <summary>Unhealthy while the database's breaker is open: no write can be accepted then.</summary>
internal sealed class StorageBreakerHealthCheck(StorageHealth storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(storage.State == "open"
            ? HealthCheckResult.Unhealthy($"The database's breaker is open: {storage.LastError}")
            : HealthCheckResult.Healthy($"The database's breaker is {storage.State}."));
}
