namespace OrleansConsistency.TestSupport;

/// <summary>
/// Per-tenant and per-key limits high enough never to bite: for test suites and benchmarks, whose callers are not the
/// noisy tenants the limits are for (tests of the limits set their own).
/// </summary>
public static class TestLimits
{
    /// <summary>The settings, by configuration key (<c>Api:Limits:…</c>).</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Api:Limits:TenantRequestsPerSecond"] = "1000000",
        ["Api:Limits:TenantBurst"] = "1000000",
        ["Api:Limits:KeyRequestsPerSecond"] = "1000000",
        ["Api:Limits:KeyBurst"] = "1000000",
    };

    /// <summary>The same settings as environment variables (<c>Api__Limits__…</c>), for API processes.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment =>
        Settings.Select(setting => KeyValuePair.Create(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value));
}
