namespace OrleansConsistency.Storage.Streams;

/// <summary>A live subscription; dispose or unsubscribe to stop it.</summary>
public abstract class EventStreamSubscriptionHandle : IAsyncDisposable
{
    /// <summary>The subscribed stream.</summary>
    public abstract EventStreamId EventStreamId { get; }

    /// <summary>The version of the last item delivered successfully (the token to resume from).</summary>
    public abstract EventStreamPosition LastDelivered { get; }

    /// <summary>Stops delivery and waits for the item in hand to finish.</summary>
    public abstract Task UnsubscribeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
