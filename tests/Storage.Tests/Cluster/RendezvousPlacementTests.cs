using OrleansConsistency.Storage.Cluster.Membership;
using OrleansConsistency.Storage.Cluster.Placement;

namespace OrleansConsistency.Storage.Tests.Cluster;

public sealed class RendezvousPlacementTests
{
    private static readonly GrainId[] Grains = [.. Enumerable.Range(0, 3000).Select(i => new GrainId("resource", $"carts/c-{i}"))];

    [Fact]
    public void The_owner_depends_on_the_members_only_not_on_their_order()
    {
        var members = Members("a", "b", "c");
        var shuffled = new MembershipView(7, [members.Members[2], members.Members[0], members.Members[1]]);
        Assert.All(Grains, grain => Assert.Equal(RendezvousPlacement.Owner(grain, members), RendezvousPlacement.Owner(grain, shuffled)));
    }

    [Fact]
    public void Removing_a_silo_moves_only_its_grains_and_adding_one_moves_only_what_it_gains()
    {
        var three = Members("a", "b", "c");
        var two = Members("a", "b");
        foreach (var grain in Grains)
        {
            var before = RendezvousPlacement.Owner(grain, three)!.SiloId;
            var after = RendezvousPlacement.Owner(grain, two)!.SiloId;
            if (before != "c")
            {
                Assert.Equal(before, after);
            }
        }

        var gained = Grains.Count(grain => RendezvousPlacement.Owner(grain, three)!.SiloId == "c");
        Assert.InRange(gained, Grains.Length / 4, Grains.Length * 5 / 12); // about a third
    }

    [Fact]
    public void An_empty_view_has_no_owner() =>
        Assert.Null(RendezvousPlacement.Owner(Grains[0], MembershipView.Empty));

    private static MembershipView Members(params string[] ids) =>
        new(1, [.. ids.Select(id => new ClusterMember(id, id, new Uri($"http://127.0.0.1:{17011 + id[0] - 'a'}")))]);
}
