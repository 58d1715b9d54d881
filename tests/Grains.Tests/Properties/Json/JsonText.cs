using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansConsistency.Grains.Tests.Properties.Json;

/// <summary>
/// Generated JSON, kept as text: a <see cref="JsonNode"/> is mutable and belongs to one parent, so every use parses
/// its own copy. The text is also what FsCheck prints for a counterexample.
/// </summary>
public sealed record JsonText(string Json)
{
    public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();

    public JsonElement ParseElement() => JsonDocument.Parse(Json).RootElement.Clone();

    public override string ToString() => Json;
}
