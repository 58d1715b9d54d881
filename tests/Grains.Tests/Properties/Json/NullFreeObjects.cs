namespace OrleansConsistency.Grains.Tests.Properties.Json;

/// <summary>A generated object without null at any depth (a merge patch that only adds or replaces).</summary>
public sealed record NullFreeObjects(JsonText Text)
{
    public override string ToString() => Text.Json;
}
