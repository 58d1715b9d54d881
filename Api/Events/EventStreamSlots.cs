using Microsoft.Extensions.Options;
using System.Threading.RateLimiting;

namespace OrleansConsistency.Api.Events;

/// <summary>
/// The event streams this process may keep open (<see cref="ApiOptions.MaxOpenEventStreams"/>): a concurrency limiter
/// without a queue, since a client waiting for a slot is better told to come back than held.
/// </summary>
internal sealed class EventStreamSlots : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public EventStreamSlots(IOptions<ApiOptions> options)
    {
        Limit = options.Value.MaxOpenEventStreams;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Limit, QueueLimit = 0 });
    }

    /// <summary>How many streams may be open at once.</summary>
    public int Limit { get; }

    /// <summary>A slot held until the lease is disposed, or a lease that is not acquired when none is free.</summary>
    public RateLimitLease TryTake() => _limiter.AttemptAcquire();

    public void Dispose() => _limiter.Dispose();
}
