namespace OrleansConsistency.Api.Limits;

/// <summary>
/// Limits per tenant and per key (<c>Api:Limits</c>), on top of the process-wide load shedding: each tenant and each key
/// has its own token bucket, so a tenant (or one of its keys) sending too much is refused with
/// <c>429 rate-limited</c> while everyone else goes on as before. The defaults are generous for one tenant on one
/// process; set lower ones per tenant under <see cref="Tenants"/>.
/// </summary>
internal sealed class LimitsOptions
{
    /// <summary>Requests per second one tenant's callers may make together (default 2000), unless <see cref="Tenants"/> says otherwise.</summary>
    public int TenantRequestsPerSecond { get; set; } = 2000;

    /// <summary>Requests a tenant may make at once after a quiet spell (default 4000).</summary>
    public int TenantBurst { get; set; } = 4000;

    /// <summary>Requests per second one key (or one token's subject) may make (default 1000), so one runaway client of a tenant cannot use all of its tenant's share.</summary>
    public int KeyRequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests one key may make at once after a quiet spell (default 2000).</summary>
    public int KeyBurst { get; set; } = 2000;

    /// <summary>Event streams one tenant may keep open on one API process (default 250; the process as a whole keeps <c>Api:MaxOpenEventStreams</c>).</summary>
    public int TenantMaxOpenEventStreams { get; set; } = 250;

    /// <summary>Limits of particular tenants, by tenant name.</summary>
    public Dictionary<string, TenantLimits> Tenants { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The requests per second of <paramref name="tenant"/>.</summary>
    public int RequestsPerSecondOf(string tenant) => Tenants.GetValueOrDefault(tenant)?.RequestsPerSecond ?? TenantRequestsPerSecond;

    /// <summary>The burst of <paramref name="tenant"/>.</summary>
    public int BurstOf(string tenant) => Tenants.GetValueOrDefault(tenant)?.Burst ?? TenantBurst;

    /// <summary>The open event streams <paramref name="tenant"/> may keep.</summary>
    public int MaxOpenEventStreamsOf(string tenant) => Tenants.GetValueOrDefault(tenant)?.MaxOpenEventStreams ?? TenantMaxOpenEventStreams;
}
