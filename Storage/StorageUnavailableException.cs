using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Storage;

/// <summary>
/// Storage could not be reached or failed before the write committed: nothing was written and the write may be
/// retried. Distinct from <see cref="CommitOutcomeUnknownException"/>, where the commit may have happened.
/// </summary>
[GenerateSerializer]
[Alias("oc.storage.StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException() : base("Storage is unavailable; nothing was written.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>
    /// Set when the write was refused without trying because <see cref="StorageHealth"/> found the database down:
    /// how long until it is tried again. Callers pass it on (HTTP <c>Retry-After</c>).
    /// </summary>
    [Id(0)]
    public TimeSpan? RetryAfter { get; init; }
}
