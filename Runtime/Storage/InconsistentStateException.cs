namespace OrleansConsistency.Runtime.Storage;

/// <summary>
/// A write's expected ETag did not match the stored one: another writer (or another activation of the same grain)
/// committed first. Nothing was written. As in Orleans, the grain should reload its state or deactivate.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException() : this("The stored state changed since it was read; nothing was written.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InconsistentStateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a grain row whose ETag did not match.</summary>
    public InconsistentStateException(string grainType, string grainId, string? expectedEtag, string? storedEtag)
        : base($"Stale write to {grainType}/{grainId}: expected ETag '{expectedEtag ?? "(none)"}' but storage has '{storedEtag ?? "(none)"}'. Nothing was written.")
    {
        ExpectedEtag = expectedEtag;
        StoredEtag = storedEtag;
    }

    /// <summary>The ETag the writer expected.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The ETag storage held at the time of the write, when known.</summary>
    public string? StoredEtag { get; }
}
