using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>What operators (and tests) can do to the consumers running in this silo.</summary>
public interface IConsumerControl
{
    /// <summary>The consumers running here, with their state.</summary>
    IReadOnlyList<ConsumerState> Describe();

    /// <summary>Retries the versions a consumer gave up on for a resource; returns how many it queued again.</summary>
    /// <exception cref="KeyNotFoundException">No consumer has that name.</exception>
    Task<int> RetryAsync(string consumer, ResourceKey resource, CancellationToken cancellationToken = default);

    /// <summary>Pauses a consumer (it handles nothing until resumed); for maintenance, demos and tests.</summary>
    void PauseConsumer(string consumer);

    /// <summary>Resumes a paused consumer; it catches up from its checkpoints.</summary>
    void ResumeConsumer(string consumer);
}
