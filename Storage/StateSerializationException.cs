using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Storage;

/// <summary>A grain's state type cannot be created or serialized with System.Text.Json, so the grain cannot be activated.</summary>
[GenerateSerializer]
[Alias("oc.storage.StateSerializationException")]
public sealed class StateSerializationException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public StateSerializationException() : base("The grain's state type cannot be serialized.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StateSerializationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StateSerializationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
