using Orleans;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Deadlines;

/// <summary>
/// A grain call's deadline passed before it completed. <see cref="Started"/> tells the two cases apart: false
/// guarantees the call never ran and never will (nothing it would have done happened), true means it is running or
/// ran, or that the caller cannot tell, so its effects are unknown to the caller.
/// </summary>
[GenerateSerializer]
[Alias("oc.DeadlineExceededException")]
public sealed class DeadlineExceededException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public DeadlineExceededException() : base("The call's deadline passed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeadlineExceededException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DeadlineExceededException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a call whose deadline passed.</summary>
    public DeadlineExceededException(string message, DateTimeOffset deadline, bool started) : base(message)
    {
        Deadline = deadline;
        Started = started;
    }

    /// <summary>The deadline that passed.</summary>
    [Id(0)]
    public DateTimeOffset Deadline { get; private set; }

    /// <summary>False: the call was never started and never will be. True: it started, or its outcome is unknown here.</summary>
    [Id(1)]
    public bool Started { get; private set; }
}
