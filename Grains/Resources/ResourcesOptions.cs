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

    /// <summary>How many "superseded by" notes each resource keeps in its state; older notes are dropped (the events still say it). Default 1000.</summary>
    public int SupersessionNotesPerResource { get; set; } = 1000;

    /// <summary>How many intents the manual policy may park on one resource; beyond it, a conflicting intent is refused. Default 100.</summary>
    public int MaxParkedConflictsPerResource { get; set; } = 100;

    /// <summary>How far ahead of the silo's clock an intent's issuedAt may be; further is refused as bad input. Default 1 minute.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Settings for types not named in <see cref="Types"/>.</summary>
    public ResourceTypeOptions Defaults { get; set; } = new();

    /// <summary>Settings per resource type.</summary>
    public IDictionary<string, ResourceTypeOptions> Types { get; init; } = new Dictionary<string, ResourceTypeOptions>(StringComparer.Ordinal);

    /// <summary>The settings of a type: its own, or the defaults.</summary>
    public ResourceTypeOptions For(string type) => Types.TryGetValue(type, out var options) ? options : Defaults;
}
