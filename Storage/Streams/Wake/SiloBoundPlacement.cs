namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>
/// An Orleans placement strategy for grains that belong to one silo: the grain's key names the silo
/// (<see cref="QueueWakeGrainKey"/>), and the grain is activated there or nowhere.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloBoundPlacement Instance { get; } = new();
}
