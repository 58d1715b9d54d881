namespace OrleansConsistency.Storage;

/// <summary>Dead letters of consumers: the versions each gave up on, per resource.</summary>
public interface IConsumerFailureStore
{
    /// <summary>Records (or replaces) a failure.</summary>
    Task RecordFailureAsync(ConsumerFailure failure, CancellationToken cancellationToken = default);

    /// <summary>Removes a failure once the version was handled after all; true when one was removed.</summary>
    Task<bool> RemoveFailureAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default);

    /// <summary>The failures of every consumer for one resource, in version order (then by consumer).</summary>
    Task<IReadOnlyList<ConsumerFailure>> ListFailuresAsync(string resourceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The failures of one consumer, for an operator to retry: of one resource in version order, or, when
    /// <paramref name="resourceId"/> is null, of all resources ordered by resource id (by Unicode code point) and version.
    /// </summary>
    Task<IReadOnlyList<ConsumerFailure>> ListFailuresByConsumerAsync(string consumer, string? resourceId, CancellationToken cancellationToken = default);
}
