using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>What the runner knows about handling one event so far.</summary>
internal sealed class DeliveryAttempts(ResourceKey resource, long version)
{
    public ResourceKey Resource => resource;

    public long Version => version;

    public int Count { get; set; }

    public DateTimeOffset? FirstFailureAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The checkpoint a <see cref="Interfaces.Consumers.ICheckpointingConsumer"/> wrote with its effect; null until one did.</summary>
    public long? CheckpointWritten { get; set; }
}
