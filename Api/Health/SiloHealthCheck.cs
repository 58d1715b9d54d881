using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Api.Cluster;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// Unhealthy while no silo is <c>Active</c> (or none can be reached): every intent is a grain call, so this API can
/// accept none, while another may. Degraded while Orleans' membership could be read only from this silo's own view.
/// The silos it judged go with its result (<see cref="StateKey"/>), for <c>/health/ready</c> to show.
/// </summary>
internal sealed class SiloHealthCheck(ClusterSilos silos) : IHealthCheck
{
    /// <summary>The check's name in the health report.</summary>
    public const string Name = "silos";

    /// <summary>The result's data entry with the silos (a <see cref="SiloReport"/>).</summary>
    public const string StateKey = "silos";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await silos.ReadAsync().ConfigureAwait(false);
        var data = new Dictionary<string, object> { [StateKey] = report };
        return report switch
        {
            { Active: 0 } => HealthCheckResult.Unhealthy(report.Error ?? "No silo is Active.", data: data),
            { Error: { } error } => HealthCheckResult.Degraded(error, data: data),
            _ => HealthCheckResult.Healthy($"{report.Active} silo(s) Active.", data),
        };
    }
}
