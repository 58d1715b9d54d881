using System.Text.Json.Nodes;

namespace OrleansConsistency.Grains.Resources;

/// <summary>
/// A resource's stored state. Once committed an instance is never changed: a new version is a new instance, so
/// interleaved reads always see a committed state.
/// </summary>
public sealed class ResourceState
{
    /// <summary>The last applied version; 0 before the first.</summary>
    public long Version { get; set; }

    /// <summary>The highest version every required consumer has acknowledged.</summary>
    public long SettledVersion { get; set; }

    /// <summary>The document; null before the first change and after a delete.</summary>
    public JsonObject? Document { get; set; }

    /// <summary>When the last version was applied.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
}
