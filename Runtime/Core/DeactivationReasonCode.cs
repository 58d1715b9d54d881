namespace OrleansConsistency.Runtime;

/// <summary>What caused a deactivation.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The activation was idle longer than the configured age.</summary>
    IdleTimeout,

    /// <summary>The silo holds more activations than its cap allows.</summary>
    ActivationCap,

    /// <summary>The grain asked for it with <c>DeactivateOnIdle</c>.</summary>
    ApplicationRequested,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>Another silo now owns the grain.</summary>
    OwnershipMoved,
}
