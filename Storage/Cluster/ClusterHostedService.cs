using Microsoft.Extensions.Hosting;
using OrleansConsistency.Storage.Cluster.Membership;

namespace OrleansConsistency.Storage.Cluster;

/// <summary>
/// Registers this silo in the project's own membership table, which today decides only which silo runs which
/// consumer partition (grain placement and silo liveness are Orleans'); a pure client only watches the table. Joins
/// after the schema migrations and leaves first when the silo stops, so that other silos take its partitions at once.
/// Does nothing without <c>Silo:Cluster:Enabled</c>.
/// </summary>
/// <param name="options">The cluster settings.</param>
/// <param name="membership">The membership to join or watch; created only when the cluster is enabled.</param>
/// <param name="address">The silo's Orleans endpoint, recorded in its row so operators can match the two tables.</param>
public sealed class ClusterHostedService(SiloClusterOptions options, Func<ClusterMembership> membership, Uri address) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        if (options.ClientOnly)
        {
            await membership().WatchAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await membership().JoinAsync(address, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Enabled ? membership().LeaveAsync(cancellationToken) : Task.CompletedTask;
}
