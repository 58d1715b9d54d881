using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OrleansConsistency.Grains.Conflicts;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Storage.GrainStorage;

namespace OrleansConsistency.Grains.Resources;

/// <summary>
/// A resource's stored state. Once committed an instance is never changed: a new version is a new instance, so
/// interleaved reads always see a committed state.
/// </summary>
public sealed class ResourceState : ICarriesCommitRecords
{
    /// <summary>The last applied version; 0 before the first.</summary>
    public long Version { get; set; }

    /// <summary>The document; null before the first change and after a delete.</summary>
    public JsonObject? Document { get; set; }

    /// <summary>When the last version was applied.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The resource's hybrid logical clock after the last version (null before the first, and for older states).</summary>
    public HlcTimestamp? Clock { get; set; }

    /// <summary>The last write to each field, in path order: what changed since any base version, and when.</summary>
    public List<FieldWrite> FieldWrites { get; set; } = [];

    /// <summary>Notes that later intents replaced values of earlier ones, oldest first (bounded: see <see cref="ResourcesOptions"/>).</summary>
    public List<SupersededIntent> Superseded { get; set; } = [];

    /// <summary>Parked intents a person resolved, oldest first (kept for the intent retention window).</summary>
    public List<ResolvedConflict> Resolved { get; set; } = [];

    /// <summary>Intents the manual policy parked, waiting for a person; not part of the event log (they made no version).</summary>
    public List<ParkedIntent> Parked { get; set; } = [];

    /// <summary>The intent record and event the next write of this state commits with it; never stored.</summary>
    [JsonIgnore]
    public PendingCommitRecords PendingRecords { get; } = new();

    /// <inheritdoc />
    long? ICarriesCommitRecords.StoredVersion => Version;
}
