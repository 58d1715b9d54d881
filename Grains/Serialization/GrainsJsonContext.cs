using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Serialization;

/// <summary>Source-generated JSON for what the grains store: state, intent outcomes and transition events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResourceState))]
[JsonSerializable(typeof(IntentOutcome))]
[JsonSerializable(typeof(TransitionEvent))]
public sealed partial class GrainsJsonContext : JsonSerializerContext;
