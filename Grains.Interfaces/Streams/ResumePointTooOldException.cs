using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>
/// A subscriber asked to resume after a version older than what the log still keeps: the versions in between are
/// gone, so it must start over from a fresh read instead of silently missing them (HTTP: 410 resume-point-too-old).
/// </summary>
[GenerateSerializer]
[Alias("oc.ResumePointTooOldException")]
public sealed class ResumePointTooOldException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public ResumePointTooOldException() : base("The resume point is older than the retained log.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ResumePointTooOldException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ResumePointTooOldException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a stream, the requested version and the oldest retained version.</summary>
    public ResumePointTooOldException(string stream, long requested, long oldestRetained)
        : base($"Cannot resume {stream} after version {requested}: the log now starts at version {oldestRetained}, so versions {requested + 1}–{oldestRetained - 1} are gone. Start again from a fresh read.")
    {
        OldestRetainedVersion = oldestRetained;
    }

    /// <summary>The oldest version the log still holds.</summary>
    [Id(0)]
    public long OldestRetainedVersion { get; private set; }
}
