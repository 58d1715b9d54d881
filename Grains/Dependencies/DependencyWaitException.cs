namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// Work is waiting for a dependency that is down or struggling: the work stays queued and is tried again later. The
/// message says, in plain words, what waits for what; <see cref="RetryAfter"/> says when the dependency may be back
/// (its breaker's remaining open time). A consumer's own breaker does not count these: the dependency's breaker does.
/// </summary>
public sealed class DependencyWaitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DependencyWaitException() : base("Waiting for a dependency.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DependencyWaitException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DependencyWaitException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message, the failure that caused it, and when to try again.</summary>
    public DependencyWaitException(string message, Exception innerException, TimeSpan? retryAfter) : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When to try again at the earliest, when known.</summary>
    public TimeSpan? RetryAfter { get; }
}
