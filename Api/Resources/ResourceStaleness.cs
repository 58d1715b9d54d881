namespace OrleansConsistency.Api.Resources;

/// <summary>Why a read answered with the read model's last copy instead of the resource, and how old that copy is.</summary>
/// <param name="Reason">In words: the resource did not answer in time, is too busy, or could not be loaded.</param>
/// <param name="AgeSeconds">How long ago the version shown was applied (also the <c>Age</c> header): newer versions may exist.</param>
/// <param name="ProjectedAt">When the read model took the version shown.</param>
internal sealed record ResourceStaleness(string Reason, double AgeSeconds, DateTimeOffset ProjectedAt);
