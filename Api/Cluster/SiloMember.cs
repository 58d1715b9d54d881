namespace OrleansConsistency.Api.Cluster;

/// <summary>One silo as Orleans' membership table has it.</summary>
/// <param name="Name">The silo's name (<c>Silo:Name</c>).</param>
/// <param name="Address">Orleans' silo address: endpoint and generation (<c>127.0.0.1:11111@123456</c>).</param>
/// <param name="HostName">The machine it runs on.</param>
/// <param name="Status">Orleans' <see cref="SiloStatus"/>: <c>Joining</c>, <c>Active</c>, <c>ShuttingDown</c>, <c>Stopping</c>, <c>Dead</c>, …</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastIAmAlive">When it last wrote its I-am-alive time into the table; null if never (or not kept by this clustering).</param>
internal sealed record SiloMember(string Name, string Address, string HostName, string Status, DateTimeOffset? StartedAt, DateTimeOffset? LastIAmAlive);
