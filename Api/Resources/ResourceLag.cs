namespace OrleansConsistency.Api.Resources;

/// <summary>How far a read-model answer is behind the resource itself, when it was read.</summary>
/// <param name="Versions">Versions the resource has that the answer does not show; 0 when it is current.</param>
/// <param name="Seconds">
/// When behind, how old the version shown is (now minus when it was applied): an upper bound on how long it has been
/// out of date. 0 when current.
/// </param>
internal sealed record ResourceLag(long Versions, double Seconds);
