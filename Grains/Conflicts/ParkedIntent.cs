using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>An intent the manual policy parked: what it asked for, kept in the resource's state until a person resolves it.</summary>
public sealed class ParkedIntent
{
    /// <summary>Its idempotency key.</summary>
    public string IntentKey { get; set; } = string.Empty;

    /// <summary>Its operation.</summary>
    public IntentOperation Operation { get; set; }

    /// <summary>Its payload.</summary>
    public JsonElement? Payload { get; set; }

    /// <summary>Its correlation id.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The client session that sent it; null when it named none.</summary>
    public string? Session { get; set; }

    /// <summary>When it was received.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Its write timestamp (when it was issued).</summary>
    public HlcTimestamp Stamp { get; set; } = HlcTimestamp.Zero;

    /// <summary>The report it was parked with.</summary>
    public ConflictReport Report { get; set; } = null!;
}
