using System.ComponentModel;
using System.Text.Json;

namespace OrleansConsistency.Api.Conflicts;

/// <summary>The body of <c>POST /v1/resources/{type}/{id}/intents/{key}/resolution</c>.</summary>
/// <param name="Choice">keep-mine, keep-theirs or value.</param>
/// <param name="Value">For the choice <c>value</c>: a JSON object applied as a JSON Merge Patch instead of the parked change.</param>
internal sealed record ResolutionRequest(
    [property: Description("keep-mine (apply the parked change as sent), keep-theirs (keep the values changed since; apply only the rest), or value.")] string? Choice,
    [property: Description("For the choice 'value': a JSON object applied as a JSON Merge Patch instead of the parked change.")] JsonElement? Value = null);
