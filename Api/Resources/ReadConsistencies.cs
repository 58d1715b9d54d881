namespace OrleansConsistency.Api.Resources;

/// <summary>The <c>consistency</c> levels a read can ask for; the names are part of the wire contract.</summary>
internal static class ReadConsistencies
{
    /// <summary>From the resource itself: the latest committed version.</summary>
    public const string Strong = "strong";

    /// <summary>From the read model: cheap, possibly behind, and the answer says by how much.</summary>
    public const string Eventual = "eventual";

    /// <summary>From the read model once it has the version the caller wrote, else from the resource: never older than that version.</summary>
    public const string ReadYourWrites = "read-your-writes";

    public static bool IsKnown(string value) => value is Strong or Eventual or ReadYourWrites;
}
