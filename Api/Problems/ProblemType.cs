namespace OrleansConsistency.Api.Problems;

/// <summary>
/// One kind of problem the API reports. Its <see cref="Type"/> URI is a stable contract: clients branch on it, so a
/// slug is never renamed or reused for another meaning.
/// </summary>
/// <param name="Slug">The stable name, the last part of <see cref="Type"/>.</param>
/// <param name="Title">A short, fixed summary (RFC 9457 says the title does not change between occurrences).</param>
/// <param name="Status">The HTTP status code the problem is answered with.</param>
internal sealed record ProblemType(string Slug, string Title, int Status)
{
    /// <summary>The prefix of every problem type URI; a URN because these are names, not pages to fetch.</summary>
    public const string Prefix = "urn:orleansconsistency:problem:";

    /// <summary>The problem's <c>type</c> member.</summary>
    public string Type => Prefix + Slug;
}
