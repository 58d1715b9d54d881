using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>The intent is malformed (bad key, unknown operation, payload of the wrong shape); nothing was applied or recorded.</summary>
[GenerateSerializer]
[Alias("oc.InvalidIntentException")]
public sealed class InvalidIntentException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public InvalidIntentException() : base("The intent is malformed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidIntentException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InvalidIntentException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
