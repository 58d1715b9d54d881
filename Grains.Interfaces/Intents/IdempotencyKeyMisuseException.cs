using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>The idempotency key was already used for a different request; nothing was applied and nothing was recorded.</summary>
[GenerateSerializer]
[Alias("oc.IdempotencyKeyMisuseException")]
public sealed class IdempotencyKeyMisuseException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyMisuseException() : base("The idempotency key was already used for a different request.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyKeyMisuseException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public IdempotencyKeyMisuseException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
