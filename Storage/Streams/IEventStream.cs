namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// One stream. Events are appended by grains in the same transaction as their state; subscribers get them in
/// version order, at least once, from the durable log and then live.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
#pragma warning disable CA1711 // Orleans' name, kept so Orleans users are at home.
public interface IEventStream<T>
#pragma warning restore CA1711
{
    /// <summary>The stream's id.</summary>
    EventStreamId EventStreamId { get; }

    /// <summary>
    /// Subscribes. With a token, first delivers every logged event after it, then continues live with no gap and
    /// no duplicate at the seam; without one, delivers only events committed from now on. Items are delivered one at
    /// a time; if <paramref name="onNextAsync"/> throws, the same item is retried with backoff, never skipped.
    /// </summary>
    /// <exception cref="StreamTokenTooOldException">The token is older than the retained log.</exception>
    Task<EventStreamSubscriptionHandle> SubscribeAsync(Func<T, EventStreamPosition, Task> onNextAsync, EventStreamPosition? token = null, CancellationToken cancellationToken = default);
}
