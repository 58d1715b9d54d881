using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>A resolution was refused (the intent is unknown, not in conflict, already resolved otherwise, or the value is not valid); nothing changed.</summary>
[GenerateSerializer]
[Alias("oc.ConflictResolutionException")]
public sealed class ConflictResolutionException : OrleansException
{
    /// <summary>The intent is not known.</summary>
    public const string NotFound = "intent-not-found";

    /// <summary>The intent was never parked as a conflict.</summary>
    public const string NotInConflict = "not-in-conflict";

    /// <summary>The conflict was already resolved with another choice.</summary>
    public const string AlreadyResolved = "already-resolved";

    /// <summary>The choice or value is not valid.</summary>
    public const string InvalidResolution = "invalid-resolution";

    /// <summary>Creates the exception.</summary>
    public ConflictResolutionException() : this(InvalidResolution, "The resolution was refused.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConflictResolutionException(string message) : this(InvalidResolution, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ConflictResolutionException(string message, Exception innerException) : base(message, innerException) => Code = InvalidResolution;

    /// <summary>Creates the exception with a stable code and a plain-words message.</summary>
    public ConflictResolutionException(string code, string message) : base(message) => Code = code;

    /// <summary>A stable code: one of the constants of this class.</summary>
    [Id(0)]
    public string Code { get; }
}
