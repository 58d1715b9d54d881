using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// Degraded while a dependency's or a consumer's breaker is not closed; never unhealthy: the work that needs it
/// waits, everything else goes on, so a payment outage must not take the API out of rotation. The states it judged
/// go with its result (<see cref="DependenciesKey"/>, <see cref="ConsumersKey"/>), so that <c>/health/ready</c> shows
/// exactly those: read twice, a breaker opening in between would make the report say "ready" beside an open breaker.
/// </summary>
internal sealed class BreakersHealthCheck(DependencyRegistry dependencies, IConsumerControl consumers) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "breakers";

    /// <summary>The result's data entry with the dependencies' states (<see cref="DependencyState"/>s).</summary>
    public const string DependenciesKey = "dependencies";

    /// <summary>The result's data entry with the consumers' states (<see cref="ConsumerState"/>s).</summary>
    public const string ConsumersKey = "consumers";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dependencyStates = dependencies.Describe();
        var consumerStates = consumers.Describe();
        string[] notClosed =
        [
            .. dependencyStates.Where(d => d.Breaker != "closed").Select(d => $"dependency {d.Name} is {d.Breaker}"),
            .. consumerStates.Where(c => c.Breaker != "closed").Select(c => $"consumer {c.Name} is {c.Breaker}"),
        ];
        var data = new Dictionary<string, object> { [DependenciesKey] = dependencyStates, [ConsumersKey] = consumerStates };
        return Task.FromResult(notClosed.Length == 0
            ? HealthCheckResult.Healthy("Every breaker is closed.", data)
            : HealthCheckResult.Degraded(string.Join("; ", notClosed), data: data));
    }
}
