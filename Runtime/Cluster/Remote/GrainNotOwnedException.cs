namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>A silo was asked to activate or serve a grain it does not own in its view; the caller routes the call again.</summary>
internal sealed class GrainNotOwnedException(GrainId grainId) : Exception($"This silo does not own {grainId} in its membership view.");
