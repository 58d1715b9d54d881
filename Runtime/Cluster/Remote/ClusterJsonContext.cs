using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>
/// Source-generated serialization of the call envelope. Arguments and results inside it are serialized with the
/// silo's <see cref="Hosting.SiloOptions.JsonSerializerOptions"/> (source-generated contexts first, reflection as the
/// fallback), so any grain argument type that round-trips through System.Text.Json can cross silos.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RemoteCallRequest))]
[JsonSerializable(typeof(RemoteCallResponse))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
