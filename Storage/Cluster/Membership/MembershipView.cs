using System.Collections.Immutable;

namespace OrleansConsistency.Storage.Cluster.Membership;

/// <summary>
/// The live silos at one version of the membership table. The version grows with every join, death and leave, so
/// two silos holding views of the same version hold the same members and place every grain alike.
/// </summary>
/// <param name="Version">The table's version when this view was read.</param>
/// <param name="Members">The live silos, ordered by id.</param>
public sealed record MembershipView(long Version, ImmutableArray<ClusterMember> Members)
{
    /// <summary>The view before the table was first read: no members.</summary>
    public static MembershipView Empty { get; } = new(-1, []);

    /// <summary>Finds a member by id.</summary>
    public ClusterMember? Find(string siloId) => Members.FirstOrDefault(m => m.SiloId == siloId);
}
