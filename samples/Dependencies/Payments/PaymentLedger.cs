namespace OrleansConsistency.Dependencies.Payments;

/// <summary>
/// The payment service's own books: one entry per charge idempotency key, so a repeated charge is answered with the
/// first one and money is never taken twice for one key. A refund of a key never charged voids it, so a charge that
/// was still on its way when the caller gave up cannot land afterwards.
/// </summary>
public sealed class PaymentLedger
{
    /// <summary>Cards ending in this are declined (as test cards are at real providers).</summary>
    public const string DeclinedCardSuffix = "0002";

    private readonly Dictionary<string, ChargeEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _nextId;

    /// <summary>Every entry, in key order.</summary>
    public IReadOnlyList<ChargeEntry> Entries()
    {
        lock (_lock)
        {
            return [.. _entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal)];
        }
    }

    /// <summary>Charges once per key; the outcome and whether this request was the first.</summary>
    public (ChargeOutcome Outcome, ChargeEntry? Entry) Charge(string key, ChargeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var known))
            {
                known = known with { Requests = known.Requests + 1 };
                _entries[key] = known;
                return known.Status == "voided" ? (ChargeOutcome.Voided, known)
                    : known.OrderId != request.OrderId || known.AmountCents != request.AmountCents ? (ChargeOutcome.KeyMisuse, known)
                    : (ChargeOutcome.Replayed, known);
            }

            if (request.Card.EndsWith(DeclinedCardSuffix, StringComparison.Ordinal))
            {
                return (ChargeOutcome.Declined, null);
            }

            var entry = new ChargeEntry(key, $"ch_{++_nextId:D6}", request.OrderId, request.AmountCents, "charged", TimesCharged: 1, Requests: 1, RefundRequests: 0);
            _entries[key] = entry;
            return (ChargeOutcome.Charged, entry);
        }
    }

    /// <summary>Refunds (or voids) the charge with this key; idempotent.</summary>
    public ChargeEntry Refund(string chargeKey)
    {
        lock (_lock)
        {
            var entry = _entries.TryGetValue(chargeKey, out var known)
                ? known with { Status = known.Status == "charged" ? "refunded" : known.Status, RefundRequests = known.RefundRequests + 1 }
                : new ChargeEntry(chargeKey, null, null, 0, "voided", TimesCharged: 0, Requests: 0, RefundRequests: 1);
            _entries[chargeKey] = entry;
            return entry;
        }
    }
}
