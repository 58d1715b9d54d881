namespace OrleansConsistency.Api.Cluster;

/// <summary>
/// The silos of the cluster this API serves from: how many are <c>Active</c>, each silo (the living ones first, then
/// the most recent dead ones), and, when the silos could not be asked or not fully, why.
/// </summary>
/// <param name="Active">Silos whose status is <c>Active</c>; 0 when none could be reached.</param>
/// <param name="Members">Every silo that is not dead, then the <see cref="ClusterSilos.DeadListed"/> most recent dead ones.</param>
/// <param name="DeadNotListed">Older dead silos left out (Orleans keeps their rows for a week by default).</param>
/// <param name="Error">Null when Orleans answered; otherwise what went wrong.</param>
internal sealed record SiloReport(int Active, IReadOnlyList<SiloMember> Members, int DeadNotListed, string? Error);
