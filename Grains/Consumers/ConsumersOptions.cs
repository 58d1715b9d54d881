namespace OrleansConsistency.Grains.Consumers;

/// <summary>All consumers, bound from the configuration section <c>Consumers</c> (one sub-section per consumer name).</summary>
public sealed class ConsumersOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Consumers";

    /// <summary>How often each consumer looks for resources it is behind on (after a restart, or anything live delivery missed); configured as <c>Resources:ConsumerSweepInterval</c>.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The consumers by name.</summary>
    public IDictionary<string, ConsumerOptions> Consumers { get; init; } = new Dictionary<string, ConsumerOptions>(StringComparer.Ordinal);

    /// <summary>A consumer's settings, or defaults when it is not configured.</summary>
    public ConsumerOptions For(string name) => Consumers.TryGetValue(name, out var options) ? options : new ConsumerOptions();
}
