namespace OrleansConsistency.Runtime;

/// <summary>A grain reference was requested for an interface that no registered grain class implements, or that is not a valid grain interface.</summary>
public sealed class GrainInterfaceNotFoundException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public GrainInterfaceNotFoundException() : base("No grain class implements the requested interface.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainInterfaceNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GrainInterfaceNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
