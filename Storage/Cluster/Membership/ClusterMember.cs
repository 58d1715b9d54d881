namespace OrleansConsistency.Storage.Cluster.Membership;

/// <summary>One live silo as the membership table lists it.</summary>
/// <param name="SiloId">Unique per start of a silo process (name plus a random suffix), so a restarted silo is a new member.</param>
/// <param name="Name">The silo's configured name.</param>
/// <param name="Address">The base URI of its internal call endpoint, e.g. <c>http://127.0.0.1:17010</c>.</param>
public sealed record ClusterMember(string SiloId, string Name, Uri Address);
