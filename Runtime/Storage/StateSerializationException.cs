namespace OrleansConsistency.Runtime.Storage;

/// <summary>A grain's state type cannot be created or serialized with System.Text.Json, so the grain cannot be activated.</summary>
public sealed class StateSerializationException : Exception
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
