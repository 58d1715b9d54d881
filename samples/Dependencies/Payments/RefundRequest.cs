namespace OrleansConsistency.Dependencies.Payments;

/// <summary>Give back the charge made with the idempotency key <paramref name="ChargeKey"/> (or void it if it never came).</summary>
public sealed record RefundRequest(string ChargeKey);
