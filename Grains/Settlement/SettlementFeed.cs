using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Grains.Settlement;

/// <summary>Fans settlement notices out to this silo's live readers.</summary>
public sealed class SettlementFeed : ISettlementFeed
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <inheritdoc />
    public IDisposable Subscribe(string type, string? id, Action<SettlementNotice> onNotice)
    {
        var subscription = new Subscription(type, id, onNotice, this);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Hands a notice to every matching subscriber.</summary>
    public void Publish(SettlementNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        foreach (var subscription in _subscriptions.Keys)
        {
            if (subscription.Type == notice.Type && (subscription.Id is null || subscription.Id == notice.Id))
            {
                subscription.OnNotice(notice);
            }
        }
    }

    private sealed class Subscription(string type, string? id, Action<SettlementNotice> onNotice, SettlementFeed feed) : IDisposable
    {
        public string Type => type;

        public string? Id => id;

        public Action<SettlementNotice> OnNotice => onNotice;

        public void Dispose() => feed._subscriptions.TryRemove(this, out _);
    }
}
