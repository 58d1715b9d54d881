using Microsoft.Extensions.Hosting;
using OrleansConsistency.Runtime.Cluster.Membership;
using OrleansConsistency.Runtime.Cluster.Remote;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.Runtime.Cluster;

/// <summary>
/// Joins the cluster when the silo starts (after the schema migrations, which create the membership table) and
/// leaves it first when the silo stops, so that other silos take its grains at once. Does nothing without
/// <c>Silo:Cluster:Enabled</c>.
/// </summary>
internal sealed class ClusterHostedService(SiloRuntime runtime) : IHostedService, IAsyncDisposable
{
    private ClusterEndpoint? _endpoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (runtime.ClusterDispatcher is not { } dispatcher || runtime.Membership is not { } membership)
        {
            return;
        }

        if (runtime.IsClusterClient)
        {
            await membership.WatchAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _endpoint = new ClusterEndpoint(runtime.Options.Cluster, dispatcher, membership);
        var address = await _endpoint.StartAsync(cancellationToken).ConfigureAwait(false);
        await membership.JoinAsync(address, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (runtime.Membership is { } membership)
        {
            await membership.LeaveAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_endpoint is { } endpoint)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }
}
