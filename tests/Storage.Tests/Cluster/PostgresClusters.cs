using OrleansConsistency.Storage.Cluster.Membership;
using OrleansConsistency.Storage;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>Builds clusters of real silos on a fresh PostgreSQL database, with membership timings short enough for tests.</summary>
internal static class PostgresClusters
{
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Every wait in these tests is bounded by this; none asserts on how long anything took.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    public static async Task<TestCluster> StartAsync(int silos)
    {
        var builder = await new TestClusterBuilder(silos)
            .AddGrains(typeof(CounterGrain).Assembly)
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

    public static ClusterMembership Membership(this TestSilo silo) =>
        silo.Runtime.Membership ?? throw new InvalidOperationException($"Silo {silo.Name} is not in a cluster.");

    /// <summary>Waits until every running silo holds the same view, with <paramref name="members"/> live silos.</summary>
    public static Task WaitUntilAllSeeAsync(TestCluster cluster, int members) =>
        WaitUntilAsync(
            () => cluster.Silos.Select(s => s.Membership().CurrentView).DistinctBy(v => v.Version).Count() == 1
                && cluster.Silos.All(s => s.Membership().CurrentView.Members.Length == members),
            $"every silo to see the same view of {members} silos");

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
