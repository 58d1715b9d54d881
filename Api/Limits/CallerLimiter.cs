using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OrleansConsistency.Api.Limits;

/// <summary>
/// The token buckets of <see cref="LimitsOptions"/>: one per tenant, one per key, and a count of each tenant's open
/// event streams. Partitions are made on first use and dropped by the limiter when idle, and there are only as many as
/// there are tenants and keys that authenticated (never one per made-up value).
/// </summary>
internal sealed class CallerLimiter : IDisposable
{
    // Refilled ten times a second rather than once, so a tenant at its limit is spread evenly instead of in bursts.
    private static readonly TimeSpan Replenishment = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _tenants;
    private readonly PartitionedRateLimiter<string> _keys;
    private readonly PartitionedRateLimiter<string> _streams;

    public CallerLimiter(IOptions<ApiOptions> options)
    {
        Settings = options.Value.Limits;
        _tenants = PartitionedRateLimiter.Create<string, string>(tenant =>
            RateLimitPartition.GetTokenBucketLimiter(tenant, _ => Bucket(Settings.RequestsPerSecondOf(tenant), Settings.BurstOf(tenant))));
        _keys = PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(Settings.KeyRequestsPerSecond, Settings.KeyBurst)));
        _streams = PartitionedRateLimiter.Create<string, string>(tenant =>
            RateLimitPartition.GetConcurrencyLimiter(tenant, _ => new ConcurrencyLimiterOptions { PermitLimit = Settings.MaxOpenEventStreamsOf(tenant), QueueLimit = 0 }));
    }

    /// <summary>The limits in force.</summary>
    public LimitsOptions Settings { get; }

    /// <summary>Takes one request from the tenant's bucket, then from the key's; the lease says whether both had one.</summary>
    public (RateLimitLease Lease, bool ByTenant) TryTakeRequest(string tenant, string key)
    {
        var byTenant = _tenants.AttemptAcquire(tenant);
        if (!byTenant.IsAcquired)
        {
            return (byTenant, true);
        }

        byTenant.Dispose();
        return (_keys.AttemptAcquire(key), false);
    }

    /// <summary>One of the tenant's event stream slots, held until the lease is disposed.</summary>
    public RateLimitLease TryTakeStream(string tenant) => _streams.AttemptAcquire(tenant);

    public void Dispose()
    {
        _tenants.Dispose();
        _keys.Dispose();
        _streams.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,

        // Below ten a second, one token at a time at the right spacing; above, a tenth of the rate every 100 ms.
        TokensPerPeriod = perSecond < 10 ? 1 : perSecond / 10,
        ReplenishmentPeriod = perSecond < 10 ? TimeSpan.FromSeconds(1.0 / perSecond) : Replenishment,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
