namespace OrleansConsistency.Grains.Resources;

/// <summary>Settings of the resource grains, bound from the configuration section <c>Resources</c>.</summary>
public sealed class ResourcesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resources";

    /// <summary>How long an idempotency key and its answer are kept; a retry after that is a new request. Default 24 hours.</summary>
    public TimeSpan IntentRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often expired keys are purged. Default 5 minutes.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recent answers each resource keeps in memory, so replays skip the database.</summary>
    public int RecentIntentsPerResource { get; set; } = 1000;

    /// <summary>Settings for types not named in <see cref="Types"/>.</summary>
    public ResourceTypeOptions Defaults { get; set; } = new();

    /// <summary>Settings per resource type.</summary>
    public IDictionary<string, ResourceTypeOptions> Types { get; init; } = new Dictionary<string, ResourceTypeOptions>(StringComparer.Ordinal);

    /// <summary>The settings of a type: its own, or the defaults.</summary>
    public ResourceTypeOptions For(string type) => Types.TryGetValue(type, out var options) ? options : Defaults;
}
