namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// A position in a stream: the version of an event. Subscribing with a token delivers the events AFTER it, so a
/// subscriber that stores the token of the last event it handled resumes with no gap and no duplicate; token 0
/// means "from the beginning".
/// </summary>
/// <param name="SequenceNumber">The version.</param>
public sealed record EventStreamPosition(long SequenceNumber)
{
    /// <summary>The position before the first event.</summary>
    public static EventStreamPosition Beginning { get; } = new(0);
}
