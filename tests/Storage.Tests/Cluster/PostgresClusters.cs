using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// Product clusters on a fresh PostgreSQL database, with <c>Silo:Cluster:Enabled</c> as a production cluster of silos
/// has it. Membership and failure detection are Orleans' own (the test cluster's membership table, Orleans'
/// <see cref="ClusterMembershipOptions"/>), with timings short enough for tests: a silo that stops answering is
/// declared dead in seconds rather than Orleans' default of about 15.
/// </summary>
internal static class PostgresClusters
{
    /// <summary>Every wait in these tests is bounded by this; none asserts on how long anything took.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    public static async Task<ProductCluster> StartAsync(short silos)
    {
        var builder = await new ProductClusterBuilder(silos)
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.DefaultCallTimeout = TimeSpan.FromSeconds(20);
            })
            .ConfigureServices(FastFailureDetection)
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await WaitUntilAllSeeAsync(cluster, cluster.Silos.Count);
        return cluster;
    }

    /// <summary>
    /// Orleans' failure detection, shortened: with two silos the survivor's vote is the only one there can be, so one
    /// vote declares a silo dead.
    /// </summary>
    public static void FastFailureDetection(IServiceCollection services) =>
        services.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 2;
            options.NumVotesForDeathDeclaration = 1;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });

    /// <summary>The silo's current view of Orleans' membership.</summary>
    public static ClusterMembershipSnapshot Membership(this ProductSilo silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;

    public static SiloHostOptions Options(this ProductSilo silo) => silo.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;

    /// <summary>Waits until every running silo holds the same membership version, with <paramref name="members"/> active silos.</summary>
    public static Task WaitUntilAllSeeAsync(ProductCluster cluster, int members) =>
        WaitUntilAsync(
            () => cluster.Silos.Select(s => s.Membership().Version).Distinct().Count() == 1
                && cluster.Silos.All(s => s.Membership().Members.Values.Count(m => m.Status == SiloStatus.Active) == members),
            $"every silo to see the same view of {members} active silos");

    /// <summary>Waits until <paramref name="observer"/>'s membership says <paramref name="dead"/> is dead.</summary>
    public static Task WaitUntilDeclaredDeadAsync(ProductSilo observer, SiloAddress dead) =>
        WaitUntilAsync(() => observer.Membership().GetSiloStatus(dead) == SiloStatus.Dead, $"{observer.Name} to declare {dead} dead");

    /// <summary>Polls a condition that changes in the background.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls a condition that changes in the background and takes a look-up to check.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (!await condition())
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
