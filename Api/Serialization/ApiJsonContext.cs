using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Conflicts;
using OrleansConsistency.Api.Admin;
using OrleansConsistency.Api.Consumers;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Api.Events;
using OrleansConsistency.Api.Health;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Operations.Trends;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Api.Telemetry;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Serialization;

/// <summary>
/// Source-generated serialization of the API's wire types: no reflection on the request path, and the wire shape is
/// fixed at compile time. The scalar types are listed because problem details' extension members are serialized by
/// their run-time type.
/// </summary>
// Strict numbers: the web defaults would read "3" as 3, and the OpenAPI schema would then call versions strings.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(IntentRequest))]
[JsonSerializable(typeof(IntentStatus))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ResourceListResponse))]
[JsonSerializable(typeof(ConsumerRetryResponse))]
[JsonSerializable(typeof(SettledEventData))]
[JsonSerializable(typeof(TransitionEvent))]
[JsonSerializable(typeof(ResolutionRequest))]
[JsonSerializable(typeof(RebuildReport))]
[JsonSerializable(typeof(WaitingConflictsResponse))]
[JsonSerializable(typeof(ConflictReport))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(IReadOnlyList<TrendPoint>))]
[JsonSerializable(typeof(FaultsResponse))]
[JsonSerializable(typeof(DependencyFaults))]
[JsonSerializable(typeof(StorageFaultsRequest))]
[JsonSerializable(typeof(StorageFaultsResponse))]
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(KeyCreatedResponse))]
[JsonSerializable(typeof(IReadOnlyList<KeyListItem>))]
[JsonSerializable(typeof(KeyListItem))]
[JsonSerializable(typeof(PerceivedTiming))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
