using System.Diagnostics.Metrics;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>Conflicts between intents based on older versions: the extension point the conflict policies report to.</summary>
public static class ConflictInstruments
{
    /// <summary>
    /// Conflicts, per resource <c>type</c>, <c>policy</c> (<c>reject</c>, <c>merge</c>, <c>last-writer-wins</c>,
    /// <c>manual</c>) and <c>outcome</c> (e.g. <c>merged</c>, <c>superseded</c>, <c>rejected</c>, <c>parked</c>,
    /// <c>resolved</c>).
    /// </summary>
    public static readonly Counter<long> Conflicts = GrainsTelemetry.Meter.CreateCounter<long>(
        "oc.conflicts", "{conflict}", "Conflicts between intents, per resource type, policy and outcome.");

    /// <summary>Counts one conflict.</summary>
    public static void Record(string type, string policy, string outcome) =>
        Conflicts.Add(
            1,
            new KeyValuePair<string, object?>("type", ResourceTypeTag.Of(type)),
            new KeyValuePair<string, object?>("policy", policy),
            new KeyValuePair<string, object?>("outcome", outcome));
}
