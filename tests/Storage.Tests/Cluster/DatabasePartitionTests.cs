using Npgsql;
using OrleansConsistency.Storage.Cluster.Placement;
using OrleansConsistency.Storage;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// A silo cut off from the database (connection refused) must stop serving its grains once its lease runs out,
/// rather than answer from activations that another silo may by then have taken over and changed.
/// </summary>
public sealed class DatabasePartitionTests
{
    [Fact]
    public async Task A_silo_partitioned_from_the_database_stops_serving_and_others_take_over_without_stale_answers()
    {
        await using var cluster = await PostgresClusters.StartAsync(silos: 2);
        var direct = cluster.Primary.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<Hosting.SiloOptions>)) is Microsoft.Extensions.Options.IOptions<Hosting.SiloOptions> o
            ? new NpgsqlConnectionStringBuilder(o.Value.Storage.ConnectionString)
            : throw new InvalidOperationException("no options");

        // The third silo reaches PostgreSQL only through a proxy the test can cut.
        await using var proxy = LoopbackTcpProxy.Start(direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var partitioned = await cluster.StartAdditionalSiloAsync(options => options.Storage.ConnectionString = viaProxy);
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        var healthy = cluster.Primary;

        var view = partitioned.Membership().CurrentView;
        var key = Enumerable.Range(0, 200).Select(i => $"p-{i}")
            .First(k => RendezvousPlacement.Owner(new GrainId("counter", k), view)!.SiloId == partitioned.Membership().SiloId);
        Assert.Equal(1, await partitioned.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
        Assert.Equal(2, await healthy.GrainFactory.GetGrain<ICounterGrain>(key).Add(1)); // forwarded to the owner

        proxy.Cut();
        await PostgresClusters.WaitUntilAsync(() => !partitioned.Membership().HoldsLease, "the partitioned silo to give up its lease");

        // It no longer answers from its activation (which said 2), for reads or writes.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => partitioned.GrainFactory.GetGrain<ICounterGrain>(key).GetValue());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => partitioned.GrainFactory.GetGrain<ICounterGrain>(key).Add(10));

        // The others declare it dead and serve its grains from storage.
        await PostgresClusters.WaitUntilAsync(
            () => cluster.Silos.Where(s => s != partitioned).All(s => s.Membership().CurrentView.Find(partitioned.Membership().SiloId) is null),
            "the healthy silos to declare the partitioned one dead");
        Assert.Equal(3, await healthy.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => partitioned.GrainFactory.GetGrain<ICounterGrain>(key).GetValue());
        var rows = await healthy.Membership().ReadAllMembersAsync(CancellationToken.None);
        Assert.Contains(rows, row => row.Name == partitioned.Name && row.Status == "dead");

        // Healed, it rejoins as a new member and answers what storage says, never its old 2.
        proxy.Heal();
        await PostgresClusters.WaitUntilAsync(() => partitioned.Membership().HoldsLease, "the healed silo to rejoin");
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        Assert.Equal(3, await ReadWhenServingAsync(partitioned.GrainFactory.GetGrain<ICounterGrain>(key)));
        Assert.Equal(4, await partitioned.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
    }

    /// <summary>The first use of a pooled connection that the cut broke may fail once; the silo serves from then on.</summary>
    private static async Task<long> ReadWhenServingAsync(ICounterGrain grain)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grain.GetValue();
            }
            catch (StorageUnavailableException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }
}
