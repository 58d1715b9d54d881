namespace OrleansConsistency.Runtime.Storage;

/// <summary>Dead letters of consumers: the versions each gave up on, per resource.</summary>
public interface IConsumerFailureStore
{
    /// <summary>Records (or replaces) a failure.</summary>
    Task RecordFailureAsync(ConsumerFailure failure, CancellationToken cancellationToken = default);

    /// <summary>Removes a failure once the version was handled after all; true when one was removed.</summary>
    Task<bool> RemoveFailureAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default);

    /// <summary>The failures of every consumer for one resource, in version order.</summary>
    Task<IReadOnlyList<ConsumerFailure>> ListFailuresAsync(string resourceId, CancellationToken cancellationToken = default);
}
