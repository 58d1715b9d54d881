using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Storage;

/// <summary>
/// The commit was sent but its answer was lost (connection dropped during COMMIT): the write may or may not be
/// durable. The grain must reload its state before writing again; a caller retries with the same idempotency key.
/// </summary>
[GenerateSerializer]
[Alias("oc.storage.CommitOutcomeUnknownException")]
public sealed class CommitOutcomeUnknownException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public CommitOutcomeUnknownException() : base("The commit's outcome is unknown; reload the state before writing again.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CommitOutcomeUnknownException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CommitOutcomeUnknownException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
