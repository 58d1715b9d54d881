namespace OrleansConsistency.Grains.Consumers;

/// <summary>All consumers, bound from the configuration section <c>Consumers</c> (one sub-section per consumer name).</summary>
public sealed class ConsumersOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Consumers";

    /// <summary>The consumers by name.</summary>
    public IDictionary<string, ConsumerOptions> Consumers { get; init; } = new Dictionary<string, ConsumerOptions>(StringComparer.Ordinal);

    /// <summary>A consumer's settings, or defaults when it is not configured.</summary>
    public ConsumerOptions For(string name) => Consumers.TryGetValue(name, out var options) ? options : new ConsumerOptions();
}
