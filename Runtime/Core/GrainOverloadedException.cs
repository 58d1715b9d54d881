namespace OrleansConsistency.Runtime;

/// <summary>
/// A call was refused because the grain's mailbox already holds <c>Silo:MaxMailboxLength</c> waiting calls: the grain is a hot spot, and queueing more would only make every caller wait longer.
/// The call was not queued and never runs; retry it later.
/// </summary>
public sealed class GrainOverloadedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainOverloadedException() : base("The grain has too many calls waiting; this one was not queued.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainOverloadedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GrainOverloadedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a grain whose mailbox is full.</summary>
    public GrainOverloadedException(GrainId grainId, int mailboxLength)
        : base($"{grainId} has {mailboxLength} calls waiting, its limit; this call was not queued and did not run. Try again shortly.")
    {
        GrainId = grainId;
        MailboxLength = mailboxLength;
    }

    /// <summary>The grain that refused the call.</summary>
    public GrainId GrainId { get; }

    /// <summary>The limit on waiting calls that was reached.</summary>
    public int MailboxLength { get; }
}
