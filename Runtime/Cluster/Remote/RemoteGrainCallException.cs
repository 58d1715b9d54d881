namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>A grain on another silo threw an exception whose type cannot be recreated here; its type and message are kept.</summary>
public sealed class RemoteGrainCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteGrainCallException() : base("A grain call on another silo failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RemoteGrainCallException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RemoteGrainCallException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The remote exception's type name.</summary>
    public string? RemoteExceptionType { get; init; }
}
