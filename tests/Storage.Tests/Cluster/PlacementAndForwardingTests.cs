using OrleansConsistency.Storage.Cluster.Placement;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>Three real silos on PostgreSQL: every grain has one owner, whichever silo is called, and ownership follows the view.</summary>
public sealed class PlacementAndForwardingTests
{
    [Fact]
    public async Task Calls_to_1000_grains_from_any_silo_land_on_one_owner_each()
    {
        await using var cluster = await PostgresClusters.StartAsync(silos: 3);
        var silos = cluster.Silos;
        var keys = Enumerable.Range(0, 1000).Select(i => $"g-{i}").ToArray();

        // Each grain is first called through one silo, then through the two others: all three reach one activation.
        await Parallel.ForEachAsync(keys.Select((key, i) => (key, i)), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) =>
        {
            for (var round = 0; round < silos.Count; round++)
            {
                var silo = silos[(item.i + round) % silos.Count];
                Assert.Equal(round + 1, await silo.GrainFactory.GetGrain<ICounterGrain>(item.key).Add(1));
            }
        });

        var view = silos[0].Membership().CurrentView;
        var owners = new Dictionary<string, int>();
        foreach (var key in keys)
        {
            var grainId = new GrainId("counter", key);
            var hosts = silos.Where(s => s.Runtime.HasActivation(grainId)).ToList();
            var host = Assert.Single(hosts);
            Assert.Equal(RendezvousPlacement.Owner(grainId, view)!.SiloId, host.Membership().SiloId);
            owners[host.Name] = owners.GetValueOrDefault(host.Name) + 1;
        }

        // Rendezvous hashing spreads the grains: every silo owns some (about a third each).
        Assert.Equal(3, owners.Count);
        Assert.All(owners.Values, count => Assert.InRange(count, 200, 470));
    }

    [Fact]
    public async Task Grains_move_when_a_silo_joins_and_leaves_and_their_state_moves_with_them()
    {
        await using var cluster = await PostgresClusters.StartAsync(silos: 2);
        var keys = Enumerable.Range(0, 200).Select(i => $"m-{i}").ToArray();
        var caller = cluster.Primary.GrainFactory;
        await Task.WhenAll(keys.Select(key => caller.GetGrain<ICounterGrain>(key).Add(1)));

        var joined = await cluster.StartAdditionalSiloAsync();
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 3);
        var afterJoin = await Task.WhenAll(keys.Select(key => caller.GetGrain<ICounterGrain>(key).Add(1)));
        Assert.All(afterJoin, value => Assert.Equal(2, value));
        Assert.Contains(keys, key => joined.Runtime.HasActivation(new GrainId("counter", key)));

        // The silos that lost grains to the new one deactivate them: in the end each grain is live only on its owner.
        await PostgresClusters.WaitUntilAsync(
            () => keys.All(key => cluster.Silos.Count(s => s.Runtime.HasActivation(new GrainId("counter", key))) == 1),
            "every grain to be active on one silo only");

        // A silo that stops leaves the table at once; the others take its grains, state included.
        await cluster.StopSiloAsync(joined);
        await PostgresClusters.WaitUntilAllSeeAsync(cluster, members: 2);
        var afterLeave = await Task.WhenAll(keys.Select(key => cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>(key).Add(1)));
        Assert.All(afterLeave, value => Assert.Equal(3, value));
        var rows = await cluster.Primary.Membership().ReadAllMembersAsync(CancellationToken.None);
        Assert.Contains(rows, row => row.Name == joined.Name && row.Status == "left");
    }

    [Fact]
    public async Task A_forwarded_call_throws_the_grains_exception_to_the_caller()
    {
        await using var cluster = await PostgresClusters.StartAsync(silos: 2);
        var view = cluster.Primary.Membership().CurrentView;
        var remoteKey = Enumerable.Range(0, 100).Select(i => $"t-{i}")
            .First(key => RendezvousPlacement.Owner(new GrainId("throwing", key), view)!.SiloId != cluster.Primary.Membership().SiloId);

        var grain = cluster.Primary.GrainFactory.GetGrain<IThrowingGrain>(remoteKey);
        var thrown = await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail("remote boom"));
        Assert.Equal("remote boom", thrown.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await grain.FailSynchronously("sync boom"));
    }
}
