namespace OrleansConsistency.Api.Resources;

/// <summary>The body of <c>GET /v1/resources/{type}</c>: one page, in id order.</summary>
/// <param name="Items">The resources on this page.</param>
/// <param name="Next">The address of the next page; null on the last one.</param>
/// <param name="Source">Always <c>read-model</c>: lists are served from the projection, never by visiting every grain.</param>
/// <param name="Consistency">Always <c>eventual</c>: items may be behind their resources.</param>
internal sealed record ResourceListResponse(IReadOnlyList<ResourceListItem> Items, string? Next, string Source, string Consistency);
