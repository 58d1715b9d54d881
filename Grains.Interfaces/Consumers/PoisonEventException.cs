using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// Thrown by a consumer for an event it can never handle (retrying cannot help). The silo gives up on that event:
/// the intent that caused it ends <c>failed</c> with this message, later events go on, and an operator can retry it.
/// </summary>
[GenerateSerializer]
[Alias("oc.PoisonEventException")]
public sealed class PoisonEventException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public PoisonEventException() : base("The event can never be handled.")
    {
    }

    /// <summary>Creates the exception with a message for the operator.</summary>
    public PoisonEventException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public PoisonEventException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
