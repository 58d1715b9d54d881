using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>Why the grain refused an intent. Refusals are recorded and replay like successes.</summary>
/// <param name="Code">A stable machine code, e.g. <c>version-mismatch</c>.</param>
/// <param name="Reason">A plain sentence for people.</param>
/// <param name="CurrentVersion">The resource's version when it refused.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.IntentRejection")]
public sealed record IntentRejection([property: Id(0)] string Code, [property: Id(1)] string Reason, [property: Id(2)] long CurrentVersion)
{
    /// <summary><c>expectedVersion</c> / <c>If-Match</c> did not equal the current version.</summary>
    public const string VersionMismatch = "version-mismatch";

    /// <summary>The operation does not fit the document (e.g. increment of a text field).</summary>
    public const string CannotApply = "cannot-apply";

    /// <summary>The reject conflict policy refused it: a field it writes was changed after its base version.</summary>
    public const string Conflict = "conflict";

    /// <summary>The manual policy could not park it: too many conflicts already wait on this resource.</summary>
    public const string TooManyConflicts = "too-many-conflicts";
}
