namespace OrleansConsistency.Dependencies.Payments;

/// <summary>A charge: take <paramref name="AmountCents"/> from <paramref name="Card"/> for <paramref name="OrderId"/>.</summary>
public sealed record ChargeRequest(string OrderId, long AmountCents, string Card);
