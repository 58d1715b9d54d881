namespace OrleansConsistency.Api.Limits;

/// <summary>
/// One tenant's own limits (<c>Api:Limits:Tenants:{tenant}</c>); a limit left out is the tenants' default in
/// <see cref="LimitsOptions"/>.
/// </summary>
internal sealed class TenantLimits
{
    /// <summary>Requests per second the tenant's callers may make together.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>How many requests the tenant may make at once after a quiet spell.</summary>
    public int? Burst { get; set; }

    /// <summary>Event streams the tenant may keep open on one API process.</summary>
    public int? MaxOpenEventStreams { get; set; }
}
