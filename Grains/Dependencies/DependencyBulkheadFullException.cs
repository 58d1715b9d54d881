namespace OrleansConsistency.Grains.Dependencies;

/// <summary>A call was refused because every slot and queue place of the dependency's bulkhead was taken; try later.</summary>
public sealed class DependencyBulkheadFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DependencyBulkheadFullException() : base("Every slot for calls to the dependency is taken.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DependencyBulkheadFullException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DependencyBulkheadFullException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
