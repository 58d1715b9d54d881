namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>One silo's row in Orleans' membership table (<c>orleans_membership</c>), as the silos keep it.</summary>
/// <param name="SiloName">The silo's name.</param>
/// <param name="Port">The silo's Orleans port (<c>Silo:SiloPort</c>).</param>
/// <param name="Generation">Orleans' generation of the silo (a restarted silo gets a new one).</param>
/// <param name="Status">Orleans' <c>SiloStatus</c> as stored: 3 = Active, 6 = Dead, ….</param>
/// <param name="SuspectVotes">The suspicion votes on the row (<c>suspect_times</c>): silos that found it unresponsive.</param>
internal sealed record MembershipRow(string SiloName, int Port, int Generation, int Status, int SuspectVotes)
{
    /// <summary>Orleans' <c>SiloStatus.Active</c>.</summary>
    public const int Active = 3;

    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    public const int Dead = 6;

    /// <summary>The status's Orleans name.</summary>
    public string StatusName => ((SiloStatus)Status).ToString();
}
