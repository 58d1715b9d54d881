using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// Unhealthy while the database's breaker is open: no write can be accepted then. The state it judged goes with its
/// result (<see cref="StateKey"/>), so that <c>/health/ready</c> never answers 503 beside a breaker it reports closed.
/// </summary>
internal sealed class StorageBreakerHealthCheck(StorageHealth storage) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "storage";

    /// <summary>The result's data entry with the breaker's state (a <see cref="StorageReadiness"/>).</summary>
    public const string StateKey = "storage";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = StorageReadiness.Of(storage);
        var data = new Dictionary<string, object> { [StateKey] = state };
        return Task.FromResult(state.Breaker == "open"
            ? HealthCheckResult.Unhealthy($"The database's breaker is open: {state.LastError}", data: data)
            : HealthCheckResult.Healthy($"The database's breaker is {state.Breaker}.", data));
    }
}
