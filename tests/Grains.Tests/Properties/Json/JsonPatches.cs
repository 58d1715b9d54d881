namespace OrleansConsistency.Grains.Tests.Properties.Json;

/// <summary>A generated RFC 7396 merge patch: an object whose nulls remove members.</summary>
public sealed record JsonPatches(JsonText Text)
{
    public override string ToString() => Text.Json;
}
