namespace OrleansConsistency.Runtime.Streams;

/// <summary>Gives access to durable, rewindable streams whose events are committed with grain state.</summary>
public interface IStreamProvider
{
    /// <summary>Returns the stream with the given id, whose items are <typeparamref name="T"/> (JSON in the log).</summary>
    IAsyncStream<T> GetStream<T>(StreamId streamId);
}
