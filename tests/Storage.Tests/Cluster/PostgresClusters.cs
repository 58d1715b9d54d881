using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Cluster.Membership;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// Product clusters on a fresh PostgreSQL database with the project's own membership table on
/// (<c>Silo:Cluster:Enabled</c>), which still decides the consumer partitions until Orleans streams take them over;
/// its timings are short enough for tests. Orleans' own membership is the test cluster's.
/// </summary>
internal static class PostgresClusters
{
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Every wait in these tests is bounded by this; none asserts on how long anything took.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    public static async Task<ProductCluster> StartAsync(short silos)
    {
        var builder = await new ProductClusterBuilder(silos)
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.Cluster.HeartbeatPeriod = HeartbeatPeriod;
                options.Cluster.DeathTimeout = DeathTimeout;
                options.DefaultCallTimeout = TimeSpan.FromSeconds(20);
            })
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await WaitUntilAllSeeAsync(cluster, cluster.Silos.Count);
        return cluster;
    }

    public static ClusterMembership Membership(this ProductSilo silo) => silo.Services.GetRequiredService<ClusterMembership>();

    public static SiloHostOptions Options(this ProductSilo silo) => silo.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;

    /// <summary>Waits until every running silo holds the same view, with <paramref name="members"/> live silos.</summary>
    public static Task WaitUntilAllSeeAsync(ProductCluster cluster, int members) =>
        WaitUntilAsync(
            () => cluster.Silos.Select(s => s.Membership().CurrentView).DistinctBy(v => v.Version).Count() == 1
                && cluster.Silos.All(s => s.Membership().CurrentView.Members.Length == members),
            $"every silo to see the same view of {members} silos");

    /// <summary>Polls a condition the membership loop changes in the background (it raises no event for it).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {WaitLimit.TotalSeconds} s for {what}.");
            }
        }
    }
}
