using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansConsistency.Api.Cluster;

namespace OrleansConsistency.Api.Health;

/// <summary>
/// Unhealthy while no silo is <c>Active</c> (or none can be reached): every intent is a grain call, so this API can
/// accept none, while another may. Degraded while Orleans' membership could be read only from this silo's own view.
/// </summary>
internal sealed class SiloHealthCheck(ClusterSilos silos) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await silos.ReadAsync().ConfigureAwait(false);
        return report switch
        {
            { Active: 0 } => HealthCheckResult.Unhealthy(report.Error ?? "No silo is Active."),
            { Error: { } error } => HealthCheckResult.Degraded(error),
            _ => HealthCheckResult.Healthy($"{report.Active} silo(s) Active."),
        };
    }
}
