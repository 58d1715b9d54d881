using System.Collections.Immutable;

namespace OrleansConsistency.Runtime;

/// <summary>An immutable snapshot of a call chain's context; immutable so that a captured snapshot never changes under a running call.</summary>
internal sealed record RequestContextData(ImmutableDictionary<string, string> Values, DateTimeOffset? Deadline)
{
    public static RequestContextData Empty { get; } = new(ImmutableDictionary<string, string>.Empty, null);
}
