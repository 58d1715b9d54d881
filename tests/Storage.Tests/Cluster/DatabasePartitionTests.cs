using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.Storage.Tests.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// A silo cut off from the database (connection refused) while Orleans still has it in the cluster and routes calls
/// to it: its grains' writes fail and store nothing, whichever silo the caller is on, so an activation that cannot
/// reach storage can never commit a stale value. Orleans' membership does not live in this database here (it is the
/// test cluster's), so the cut leaves the silo a member; healed, its grains build on what storage says.
/// </summary>
public sealed class DatabasePartitionTests
{
    [Fact]
    public async Task SiloPartitionedFromTheDatabase_CommitsNothing_StaysAMember_AndWritesAgainWhenHealed()
    {
        await using var cluster = await PostgresClusters.StartAsync(silos: 2);
        var direct = new NpgsqlConnectionStringBuilder(cluster.Primary.Options().Storage.ConnectionString);

        // The third silo reaches PostgreSQL only through a proxy the test can cut.
        await using var proxy = LoopbackTcpProxy.Start(direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var partitioned = await cluster.StartAdditionalSiloAsync(options => options.Storage.ConnectionString = viaProxy);
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        var healthy = cluster.Primary;
        var storage = healthy.Services.GetRequiredService<StorageProvider>();

        // A grain that Orleans placed on the partitioned silo (placement is Orleans' choice, so look for one).
        var (key, placed) = await FindGrainOnAsync(partitioned);
        Assert.Equal(1, placed.Value);
        Assert.Equal(2, (await healthy.GrainFactory.GetGrain<IProbeCounterGrain>(key).Add(1)).Value);
        var rowBeforeCut = await storage.ReadAsync("probecounter", key);

        proxy.Cut();

        // Orleans still sends the grain's calls to its activation there; every write fails and stores nothing. The
        // answer to the caller on the other silo is checked last, so that the rest of the scenario runs whatever it is.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => partitioned.GrainFactory.GetGrain<IProbeCounterGrain>(key).Add(10));
        var fromOtherSilo = await TestWrites.CaptureAsync(healthy.GrainFactory.GetGrain<IProbeCounterGrain>(key).Add(10));
        Assert.Equal(rowBeforeCut, await storage.ReadAsync("probecounter", key));
        Assert.Equal(2, (await healthy.GrainFactory.GetGrain<IProbeCounterGrain>(key).Report()).Value);
        Assert.Equal(SiloStatus.Active, healthy.Membership().GetSiloStatus(partitioned.Handle.SiloAddress));

        // Healed, the grain's next write builds on the stored 2.
        proxy.Heal();
        Assert.Equal(3, (await AddWhenServingAsync(partitioned.GrainFactory.GetGrain<IProbeCounterGrain>(key))).Value);
        Assert.Equal(3, (await healthy.GrainFactory.GetGrain<IProbeCounterGrain>(key).Report()).Value);

        // A caller on another silo learns the same: storage unavailable, nothing changed.
        Assert.IsType<StorageUnavailableException>(fromOtherSilo);
    }

    private static async Task<(string Key, ProbeReport Report)> FindGrainOnAsync(ProductSilo silo)
    {
        for (var i = 0; i < 100; i++)
        {
            var key = $"p-{Guid.NewGuid():N}";
            var report = await silo.GrainFactory.GetGrain<IProbeCounterGrain>(key).Add(1);
            if (report.Silo.Equals(silo.Handle.SiloAddress))
            {
                return (key, report);
            }
        }

        throw new InvalidOperationException($"Orleans placed none of 100 grains on {silo.Name}.");
    }

    /// <summary>
    /// The first uses of pooled connections that the cut broke may fail (and may open the storage breaker for a few
    /// seconds); the silo writes again from then on.
    /// </summary>
    private static async Task<ProbeReport> AddWhenServingAsync(IProbeCounterGrain grain)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grain.Add(1);
            }
            catch (StorageUnavailableException) when (attempt < 300)
            {
                await Task.Delay(100);
            }
        }
    }
}
