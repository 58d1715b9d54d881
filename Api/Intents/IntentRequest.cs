using System.ComponentModel;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Api.Intents;

/// <summary>The body of <c>POST /v1/resources/{type}/{id}/intents</c>.</summary>
/// <param name="Op">What to do: set, merge, increment, add, remove or delete.</param>
/// <param name="Payload">The operation's argument: an object, or nothing for delete.</param>
/// <param name="ExpectedVersion">Apply only if the resource is at exactly this version (as <c>If-Match</c>).</param>
/// <remarks>Only <see cref="Op"/> has no default, so the OpenAPI schema names it as the one required member.</remarks>
internal sealed record IntentRequest(
    [property: Description("What to do: set, merge (RFC 7396), increment, add, remove or delete.")] IntentOperation Op,
    [property: Description("The operation's argument: an object; omit it for delete.")] JsonElement? Payload = null,
    [property: Description("Apply only if the resource is at exactly this version; the same as If-Match: \"n\".")] long? ExpectedVersion = null)
{
    /// <summary>The body's member names, to refuse the ones we do not know (a misspelled expectedVersion must not make a conditional change unconditional).</summary>
    public static readonly IReadOnlyList<string> MemberNames = ["op", "payload", "expectedVersion"];
}
