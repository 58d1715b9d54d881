using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.Storage.Tests.Storage;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Storage.Tests.Cluster.ClusterResources;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// A silo cut off from the database (connection refused) while Orleans still has it in the cluster and routes calls
/// to it: its grains' writes fail and store nothing, whichever silo the caller is on, so an activation that cannot
/// reach storage can never commit a stale value; healed, its grains build on what storage says. On the test cluster's
/// membership the cut leaves the silo a member; on the product's membership in PostgreSQL too (the silo cannot reach
/// the membership table either, but Orleans declares dead only a silo its peers cannot probe), and an intent a client
/// retries across the cut is applied once.
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
        Assert.Equal(SiloStatus.Active, healthy.Membership().GetSiloStatus(partitioned.Handle.SiloAddress));

        // A caller on another silo learns the same: storage unavailable, nothing changed.
        Assert.IsType<StorageUnavailableException>(fromOtherSilo);
    }

    [Fact]
    public async Task OnPostgresMembership_SiloPartitionedFromTheDatabase_StaysAMember_AndARetriedIntentAppliesOnceWhenHealed()
    {
        // The third silo reaches PostgreSQL, its storage and Orleans' membership table both, only through a proxy. It is
        // disposed (cut) after the cluster: a silo that stops while cut from the membership table waits long for it.
        var server = await PostgresServer.StartAsync();
        await using var proxy = LoopbackTcpProxy.Start(new NpgsqlConnectionStringBuilder(server.AdminConnectionString).Port);
        var builder = await new ProductClusterBuilder(initialSilosCount: 2)
            .UseTcpAndPostgresMembership()
            .ConfigureSilo(options => options.DefaultCallTimeout = TimeSpan.FromSeconds(20))
            .ConfigureServices(PostgresClusters.FastFailureDetection)
            .ConfigureServices(services => services.PostConfigure<ClusterMembershipOptions>(options => options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1)))
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var direct = new NpgsqlConnectionStringBuilder(cluster.Primary.Options().Storage.ConnectionString);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var partitioned = await cluster.StartAdditionalSiloAsync(options => options.Storage.ConnectionString = viaProxy);
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        var healthy = cluster.Primary;
        var membershipTable = healthy.Services.GetRequiredService<IMembershipTable>();
        var address = partitioned.Handle.SiloAddress;
        async Task<MembershipEntry> RowAsync() => (await membershipTable.ReadRowAsync(address, CancellationToken.None)).Members.Single().Item1;

        var key = NewKey("db-cut");
        var onPartitioned = partitioned.GrainFactory.GetGrain<IResourceGrain>(key);
        var beforeCut = Increment();
        Assert.Equal(1, (await partitioned.PlacedOnAsync(() => onPartitioned.Submit(beforeCut))).Status.Version);
        Assert.Equal(address, await healthy.GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(onPartitioned));

        proxy.Cut();

        // The intent fails through either silo and nothing is stored.
        var duringCut = Increment();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => onPartitioned.Submit(duringCut));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => healthy.GrainFactory.GetGrain<IResourceGrain>(key).Submit(duringCut));
        var log = healthy.Services.GetRequiredService<IEventLog>();
        Assert.Equal([1L], (await log.EventsAsync(key)).Select(e => e.Version));

        // The silo no longer writes its I-am-alive time to the table, yet stays Active: its peers still probe it.
        var lastAlive = (await RowAsync()).IAmAliveTime;
        await PostgresClusters.WaitUntilAsync(() => DateTime.UtcNow - lastAlive > TimeSpan.FromSeconds(3), "the partitioned silo to miss three I-am-alive writes");
        Assert.Equal(lastAlive, (await RowAsync()).IAmAliveTime);
        Assert.Equal(SiloStatus.Active, (await RowAsync()).Status);
        Assert.All(cluster.Silos, s => Assert.Equal(SiloStatus.Active, s.Membership().GetSiloStatus(address)));

        // Healed, the client's retry of the failed intent applies it once, and the silo writes its I-am-alive again.
        proxy.Heal();
        Assert.Equal(2, (await onPartitioned.SubmitWithRetriesAsync(duringCut)).Status.Version);
        await PostgresClusters.WaitUntilAsync(
            async () => (await RowAsync()).IAmAliveTime > lastAlive,
            "the healed silo to write its I-am-alive time again");
        Assert.All(cluster.Silos, s => Assert.Equal(SiloStatus.Active, s.Membership().GetSiloStatus(address)));

        // Nothing lost, nothing twice: both intents once each, in order, and their stored answers through either silo.
        var events = await log.EventsAsync(key);
        Assert.Equal([1L, 2], events.Select(e => e.Version));
        Assert.Equal([beforeCut.IdempotencyKey, duringCut.IdempotencyKey], events.Select(e => e.IntentKey));
        foreach (var silo in cluster.Silos)
        {
            var grain = silo.GrainFactory.GetGrain<IResourceGrain>(key);
            Assert.Equal(1, (await grain.Submit(beforeCut)).Status.Version);
            Assert.Equal(2, (await grain.Submit(duringCut)).Status.Version);
            var snapshot = await grain.GetSnapshot();
            Assert.Equal(2, snapshot.Version);
            Assert.Equal(2, snapshot.Document!.Value.GetProperty("n").GetInt64());
        }
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
