namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Orleans' failure detection settings a cluster runs with (<c>Silo:Cluster:Membership</c>, bound to Orleans'
/// <c>ClusterMembershipOptions</c>): Orleans' shipped defaults, or the tuned set the cluster kill test uses.
/// </summary>
/// <param name="Name">The name in the report.</param>
/// <param name="Environment">The silos' environment variables for it; none for the defaults.</param>
internal sealed record FailureDetection(string Name, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Orleans 10.4.2's defaults: nothing set.</summary>
    public static FailureDetection Defaults { get; } = new("Orleans defaults", new Dictionary<string, string>());

    /// <summary>As <c>tests/Api.Tests/Durability/ClusterKillTests</c> (and ORLEANS.md §3.1): a dead silo declared in about 2 s.</summary>
    public static FailureDetection Tuned { get; } = new("tuned", new Dictionary<string, string>
    {
        ["Silo__Cluster__Membership__ProbeTimeout"] = "00:00:01",
        ["Silo__Cluster__Membership__NumMissedProbesLimit"] = "2",
        ["Silo__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
        ["Silo__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
        ["Silo__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
    });

    /// <summary>The settings as the report shows them.</summary>
    public string Describe() => Environment.Count == 0
        ? "Orleans' shipped `ClusterMembershipOptions`"
        : string.Join(", ", Environment.Select(e => $"`{e.Key["Silo__Cluster__Membership__".Length..]}={e.Value}`"));
}
