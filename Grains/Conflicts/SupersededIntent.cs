using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>A note in the resource's state that a later intent replaced values an earlier one wrote.</summary>
public sealed class SupersededIntent
{
    /// <summary>The earlier intent's key.</summary>
    public string IntentKey { get; set; } = string.Empty;

    /// <summary>What replaced it.</summary>
    public Supersession Supersession { get; set; } = null!;
}
