using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Intents;

/// <summary>
/// The answers a resource gave most recently, so that most replays are answered without the database. Bounded:
/// the oldest entries leave first; anything older is still found in the intent store.
/// </summary>
internal sealed class RecentIntents(int capacity)
{
    private readonly Dictionary<string, (IntentOutcome Outcome, DateTimeOffset ExpiresAt)> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(IntentOutcome outcome, DateTimeOffset expiresAt)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (_byKey.TryAdd(outcome.IdempotencyKey, (outcome, expiresAt)))
        {
            _order.Enqueue(outcome.IdempotencyKey);
            while (_order.Count > capacity)
            {
                _byKey.Remove(_order.Dequeue());
            }
        }
    }

    public bool TryGet(string idempotencyKey, DateTimeOffset now, out IntentOutcome outcome)
    {
        if (_byKey.TryGetValue(idempotencyKey, out var entry) && entry.ExpiresAt > now)
        {
            outcome = entry.Outcome;
            return true;
        }

        outcome = null!;
        return false;
    }
}
