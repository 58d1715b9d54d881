using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;
using static OrleansConsistency.Storage.Tests.Cluster.ClusterResources;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// A silo cut off from the other silos but not from the database, on the product's Orleans membership in PostgreSQL
/// and Orleans' TCP transport (its links to the peers run through proxies). The peers declare it dead and a resource
/// it held is activated again on a peer, which commits a newer version; the cut silo does not know and still runs its
/// old activation, whose write is refused by the storage ETag and changes nothing. Healed, the cut silo learns it is
/// dead the next time it reads the membership table and stops itself; it never comes back, a new silo takes its place,
/// and every acknowledged intent is applied exactly once.
/// </summary>
public sealed class PeerPartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SiloCutOffFromItsPeers_IsDeclaredDead_ItsOldActivationsWriteIsRefused_AndItStopsItself()
    {
        var builder = await new ProductClusterBuilder(initialSilosCount: 2)
            .UseTcpAndPostgresMembership()
            .ConfigureSilo(options => options.DefaultCallTimeout = TimeSpan.FromSeconds(10))
            .ConfigureServices(services => services.Configure<ClusterMembershipOptions>(QuickToDeclareDead))
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var links = new PeerLinks();
        var cut = await cluster.StartAdditionalSiloAsync(
            peerLinks: links,
            configureSilo: silo => silo.Services.PostConfigure<ClusterMembershipOptions>(ReadsTheTableOnlyWhenTold));
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        var peers = cluster.Silos.Where(s => s != cut).ToList();
        var cutAddress = cut.Handle.SiloAddress;
        Assert.Equal(links.AdvertisedPort, cutAddress.Endpoint.Port);

        // A resource whose activation lives on the cut silo, at version 3.
        var key = NewKey("peer-cut");
        var acknowledged = new List<Intent>();
        var onCut = cut.GrainFactory.GetGrain<IResourceGrain>(key);
        for (var i = 0; i < 3; i++)
        {
            var intent = Increment();
            Assert.Equal(i + 1, (await cut.PlacedOnAsync(() => onCut.Submit(intent))).Status.Version);
            acknowledged.Add(intent);
        }

        Assert.Equal(cutAddress, await peers[0].GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(onCut));

        links.Cut();
        var sinceCut = Stopwatch.StartNew();
        foreach (var peer in peers)
        {
            await PostgresClusters.WaitUntilDeclaredDeadAsync(peer, cutAddress);
        }

        output.WriteLine($"declared dead by the peers {sinceCut.Elapsed.TotalSeconds:F1} s after the cut");

        // The cut silo has not heard: it still counts itself active and serves its old activation, at version 3.
        Assert.Equal(SiloStatus.Active, cut.Membership().GetSiloStatus(cutAddress));
        Assert.Equal(3, (await onCut.GetSnapshot()).Version);

        // A peer activates the resource again (Orleans' directory no longer knows the dead silo's activation) and
        // commits version 4. The first calls may still be routed to the dead silo and fail; a client retries them.
        var fromPeer = Increment();
        var onPeer = peers[0].GrainFactory.GetGrain<IResourceGrain>(key);
        Assert.Equal(4, (await onPeer.SubmitWithRetriesAsync(fromPeer)).Status.Version);
        acknowledged.Add(fromPeer);
        var newHome = await peers[0].GrainFactory.GetGrain<IManagementGrain>(0).GetActivationAddress(onPeer);
        Assert.Contains(newHome, peers.Select(p => p.Handle.SiloAddress));

        // The old activation writes what it believes follows version 3. The storage ETag refuses it: the grain reloads,
        // finds version 4 and refuses the intent (its expected version is gone); nothing of it is applied.
        Assert.Equal(SiloStatus.Active, cut.Membership().GetSiloStatus(cutAddress));
        Assert.Equal(3, (await onCut.GetSnapshot()).Version);
        var stale = Increment(expectedVersion: 3);
        var refused = (await onCut.Submit(stale)).Status;
        Assert.Equal(IntentState.Rejected, refused.State);
        Assert.Equal(IntentRejection.VersionMismatch, refused.Rejection?.Code);
        Assert.Equal(4, refused.CurrentVersion);
        Assert.Equal(4, (await onPeer.GetSnapshot()).Version);
        output.WriteLine($"stale write refused {sinceCut.Elapsed.TotalSeconds:F1} s after the cut");

        // Healed, the cut silo reconnects to its peers, but none tells it that it was declared dead (it votes against
        // no one either: its indirect probes through peers it cannot reach count as unknown, not failed). It learns it at
        // its next read of Orleans' membership table, every TableRefreshTimeout (here long, so that the test says when),
        // and stops itself.
        links.Heal();
        Assert.Equal(SiloStatus.Active, cut.Membership().GetSiloStatus(cutAddress));
        var peersView = peers[0].Membership().Version;
        await cut.Services.GetRequiredService<IClusterMembershipService>().Refresh(peersView);
        await StoppedAsync(cut);
        output.WriteLine($"the cut silo stopped itself {sinceCut.Elapsed.TotalSeconds:F1} s after the cut");
        Assert.Equal(SiloStatus.Dead, cut.Membership().GetSiloStatus(cutAddress));
        await cluster.StopSiloAsync(cut);

        // It does not come back (a dead silo never rejoins); a new silo joins in its place.
        var replacement = await cluster.StartAdditionalSiloAsync();
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        Assert.DoesNotContain(cutAddress, peers[0].Membership().Members.Where(m => m.Value.Status == SiloStatus.Active).Select(m => m.Key));

        // Nothing lost, nothing twice: versions 1-4 are the four acknowledged intents, in order; the refused one has
        // its recorded answer; the next intent follows at version 5.
        var events = await peers[0].Services.GetRequiredService<IEventLog>().EventsAsync(key);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Version));
        Assert.Equal(acknowledged.Select(i => i.IdempotencyKey), events.Select(e => e.IntentKey));
        var fromReplacement = replacement.GrainFactory.GetGrain<IResourceGrain>(key);
        foreach (var (intent, version) in acknowledged.Select((intent, i) => (intent, i + 1L)))
        {
            var replay = await fromReplacement.Submit(intent);
            Assert.True(replay.Replayed);
            Assert.Equal(version, replay.Status.Version);
        }

        var replayedRefusal = await fromReplacement.Submit(stale);
        Assert.True(replayedRefusal.Replayed);
        Assert.Equal(IntentState.Rejected, replayedRefusal.Status.State);
        Assert.Equal(5, (await fromReplacement.SubmitWithRetriesAsync(Increment())).Status.Version);
        var final = await fromReplacement.GetSnapshot();
        Assert.Equal(5, final.Version);
        Assert.Equal(5, final.Document!.Value.GetProperty("n").GetInt64());
    }

    /// <summary>The peers: a silo that misses two 1 s probes is suspected, and two votes (both peers) declare it dead.</summary>
    private static void QuickToDeclareDead(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>
    /// The cut silo's periodic read of the membership table (the only way it learns that it was declared dead) is
    /// beyond the test's length, so that the test decides when it happens; Orleans' default is every minute.
    /// </summary>
    private static void ReadsTheTableOnlyWhenTold(ClusterMembershipOptions options) => options.TableRefreshTimeout = TimeSpan.FromMinutes(30);

    private static async Task StoppedAsync(ProductSilo silo)
    {
        var stopped = silo.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped;
        var done = new TaskCompletionSource();
        using var registration = stopped.Register(done.SetResult);
        await done.Task.WaitAsync(PostgresClusters.WaitLimit);
    }
}
