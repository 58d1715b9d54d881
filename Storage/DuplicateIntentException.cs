using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Storage;

/// <summary>
/// A write carried an intent record whose (resource, idempotency key) is already stored. Nothing was written;
/// the caller should read the stored record and answer with it.
/// </summary>
[GenerateSerializer]
[Alias("oc.storage.DuplicateIntentException")]
public sealed class DuplicateIntentException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateIntentException() : base("The idempotency key is already recorded; nothing was written.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DuplicateIntentException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DuplicateIntentException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one resource and key.</summary>
    public DuplicateIntentException(string resourceId, string idempotencyKey, Exception? innerException)
        : base($"Idempotency key '{idempotencyKey}' is already recorded for {resourceId}; nothing was written.", innerException!)
    {
        ResourceId = resourceId;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The resource whose key was duplicated.</summary>
    [Id(0)]
    public string? ResourceId { get; }

    /// <summary>The duplicated key.</summary>
    [Id(1)]
    public string? IdempotencyKey { get; }
}
