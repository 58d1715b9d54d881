namespace OrleansConsistency.Dependencies.Messaging;

/// <summary>The messaging service's record of what it sent: one message per idempotency key.</summary>
public sealed class Outbox
{
    private readonly Dictionary<string, SentMessage> _sent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _nextId;

    /// <summary>Every message, in key order.</summary>
    public IReadOnlyList<SentMessage> Messages()
    {
        lock (_lock)
        {
            return [.. _sent.Values.OrderBy(m => m.Key, StringComparer.Ordinal)];
        }
    }

    /// <summary>Sends once per key; true when this request sent it.</summary>
    public (bool SentNow, SentMessage Message) Send(string key, MessageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (_sent.TryGetValue(key, out var known))
            {
                known = known with { Requests = known.Requests + 1 };
                _sent[key] = known;
                return (false, known);
            }

            var message = new SentMessage(key, $"msg_{++_nextId:D6}", request.To, request.Subject, TimesSent: 1, Requests: 1);
            _sent[key] = message;
            return (true, message);
        }
    }
}
