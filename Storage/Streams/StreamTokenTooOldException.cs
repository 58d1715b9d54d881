namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// A subscription asked to resume from a position older than what the log still keeps: events in between are gone,
/// so the subscriber must start over from a snapshot instead of silently missing them.
/// </summary>
public sealed class StreamTokenTooOldException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamTokenTooOldException() : base("The resume position is older than the retained log.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StreamTokenTooOldException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StreamTokenTooOldException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a stream, the requested position and the oldest retained version.</summary>
    public StreamTokenTooOldException(EventStreamId stream, long requested, long oldestRetained)
        : base($"Cannot resume {stream} after version {requested}: the log now starts at version {oldestRetained}, so versions {requested + 1}–{oldestRetained - 1} are gone. Start again from a fresh read.")
    {
        OldestRetainedVersion = oldestRetained;
    }

    /// <summary>The oldest version the log still holds.</summary>
    public long OldestRetainedVersion { get; }
}
