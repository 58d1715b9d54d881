using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Resources;
using OrleansConsistency.Grains.Interfaces.Intents;

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
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
