namespace OrleansConsistency.Dependencies.Payments;

/// <summary>What a charge request did.</summary>
public enum ChargeOutcome
{
    /// <summary>Money was taken now.</summary>
    Charged,

    /// <summary>The key was charged before; nothing new happened.</summary>
    Replayed,

    /// <summary>The card was declined; nothing was taken.</summary>
    Declined,

    /// <summary>The key was refunded before any charge came; nothing is taken.</summary>
    Voided,

    /// <summary>The key was used for a different charge.</summary>
    KeyMisuse,
}
