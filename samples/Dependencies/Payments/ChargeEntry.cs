namespace OrleansConsistency.Dependencies.Payments;

/// <summary>One line of the payment ledger, by the charge's idempotency key.</summary>
/// <param name="Key">The charge's idempotency key.</param>
/// <param name="ChargeId">The payment service's id of the charge.</param>
/// <param name="OrderId">The order it was for.</param>
/// <param name="AmountCents">How much.</param>
/// <param name="Status"><c>charged</c>, <c>refunded</c>, or <c>voided</c> (refunded before any charge came: a late charge with this key is refused).</param>
/// <param name="TimesCharged">How many times money was taken with this key: 0 or 1, never more.</param>
/// <param name="Requests">How many charge requests came with this key (retries included).</param>
/// <param name="RefundRequests">How many refund requests came for it.</param>
public sealed record ChargeEntry(string Key, string? ChargeId, string? OrderId, long AmountCents, string Status, int TimesCharged, int Requests, int RefundRequests);
