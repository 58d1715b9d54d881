using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// Degraded while a dependency's or a consumer's breaker is not closed; never unhealthy: the work that needs it
/// waits, everything else goes on, so a payment outage must not take the API out of rotation.
/// </summary>
internal sealed class BreakersHealthCheck(DependencyRegistry dependencies, IConsumerControl consumers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string[] notClosed =
        [
            .. dependencies.Describe().Where(d => d.Breaker != "closed").Select(d => $"dependency {d.Name} is {d.Breaker}"),
            .. consumers.Describe().Where(c => c.Breaker != "closed").Select(c => $"consumer {c.Name} is {c.Breaker}"),
        ];
        return Task.FromResult(notClosed.Length == 0
            ? HealthCheckResult.Healthy("Every breaker is closed.")
            : HealthCheckResult.Degraded(string.Join("; ", notClosed)));
    }
}
