using System.ComponentModel;

namespace OrleansConsistency.Api.Conflicts;

/// <summary>The answer of <c>GET /v1/resources/{type}/{id}/conflicts</c>.</summary>
/// <param name="Items">The parked changes, oldest first.</param>
internal sealed record WaitingConflictsResponse(
    [property: Description("The changes that wait for a decision, oldest first; only the given session's with ?session=.")] IReadOnlyList<WaitingConflict> Items);
