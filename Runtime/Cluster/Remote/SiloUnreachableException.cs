namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>
/// A call to another silo failed in transport (refused, reset, or the silo said it does not serve the grain now);
/// the caller suspects the silo, refreshes its view and routes the call again.
/// </summary>
internal sealed class SiloUnreachableException(string message, Exception? innerException = null) : Exception(message, innerException);
