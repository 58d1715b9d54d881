using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>
/// The last write to one field of a resource (kept in its state): enough to tell, for any base version, whether the
/// field changed since then and by whom, without reading the event log.
/// </summary>
public sealed class FieldWrite
{
    /// <summary>The field as a JSON Pointer; the empty string is the whole document (a set or a delete).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The version that wrote it.</summary>
    public long Version { get; set; }

    /// <summary>The idempotency key of the intent that wrote it.</summary>
    public string IntentKey { get; set; } = string.Empty;

    /// <summary>When it was written.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The write's hybrid logical clock timestamp, which last-writer-wins compares.</summary>
    public HlcTimestamp Stamp { get; set; } = HlcTimestamp.Zero;

    /// <summary>The client session of the intent that wrote it; null when it named none.</summary>
    public string? Session { get; set; }

    /// <summary>True when the write removed the field (or deleted the document).</summary>
    public bool Removed { get; set; }

    /// <summary>The write as a reference for explanations.</summary>
    public ChangeReference Reference() => new(IntentKey, Version, At);
}
