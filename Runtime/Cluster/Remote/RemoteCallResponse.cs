using System.Text.Json;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>The answer to a <see cref="RemoteCallRequest"/>: the result serialized as the method's result type, or an error.</summary>
internal sealed record RemoteCallResponse(JsonElement? Result, RemoteCallError? Error);
