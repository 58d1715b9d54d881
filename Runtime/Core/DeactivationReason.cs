namespace OrleansConsistency.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
/// <param name="Code">What caused it.</param>
/// <param name="Description">A sentence for logs.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description);
