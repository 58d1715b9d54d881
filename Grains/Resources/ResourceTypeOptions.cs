namespace OrleansConsistency.Grains.Resources;

/// <summary>Settings of one resource type, under <c>Resources:Types:{type}</c> (or <c>Resources:Defaults</c>).</summary>
public sealed class ResourceTypeOptions
{
    /// <summary>The consumers that must acknowledge a version before it counts as settled. None: settled once applied.</summary>
    public IList<string> RequiredConsumers { get; init; } = [];

    /// <summary>How long a change may take to settle before its status says it is delayed. Default 5 seconds.</summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// What happens to an intent based on an older version than the current one: <c>reject</c>, <c>merge</c> (default),
    /// <c>last-writer-wins</c> or <c>manual</c>.
    /// </summary>
    public string ConflictPolicy { get; set; } = "merge";
}
