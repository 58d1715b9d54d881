using System.Text.Json;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>A grain call on the wire between silos.</summary>
/// <param name="GrainType">The target's grain type.</param>
/// <param name="GrainKey">The target's key.</param>
/// <param name="Method">The method's id (<see cref="GrainMethodDirectory"/>).</param>
/// <param name="Arguments">Each argument serialized as its declared parameter type; null for a CancellationToken, which the receiver fills from the deadline.</param>
/// <param name="RemainingMilliseconds">What is left of the call's deadline when sent: relative, so that silo clocks need not agree.</param>
/// <param name="Context">The caller's request context values.</param>
/// <param name="Hops">How many silos already forwarded it; bounded so that silos with different views cannot bounce a call forever.</param>
internal sealed record RemoteCallRequest(
    string GrainType,
    string GrainKey,
    string Method,
    IReadOnlyList<JsonElement?> Arguments,
    long RemainingMilliseconds,
    IReadOnlyDictionary<string, string>? Context,
    int Hops);
