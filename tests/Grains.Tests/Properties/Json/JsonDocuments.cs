namespace OrleansConsistency.Grains.Tests.Properties.Json;

/// <summary>A generated document: an object that may hold nulls at any depth.</summary>
public sealed record JsonDocuments(JsonText Text)
{
    public override string ToString() => Text.Json;
}
