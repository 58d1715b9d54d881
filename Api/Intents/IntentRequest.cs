using System.ComponentModel;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Api.Intents;

/// <summary>The body of <c>POST /v1/resources/{type}/{id}/intents</c>.</summary>
/// <param name="Op">What to do: set, merge, increment, add, remove or delete.</param>
/// <param name="Payload">The operation's argument: an object, or nothing for delete.</param>
/// <param name="ExpectedVersion">Apply only if the resource is at exactly this version (as <c>If-Match</c>).</param>
/// <param name="BasedOnVersion">The version the person was looking at (as <c>X-Based-On-Version</c>).</param>
/// <param name="IssuedAt">When the person made the change.</param>
/// <remarks>Only <see cref="Op"/> has no default, so the OpenAPI schema names it as the one required member.</remarks>
internal sealed record IntentRequest(
    [property: Description("What to do: set, merge (RFC 7396), increment, add, remove or delete.")] IntentOperation Op,
    [property: Description("The operation's argument: an object; omit it for delete.")] JsonElement? Payload = null,
    [property: Description("Apply only if the resource is at exactly this version; the same as If-Match: \"n\".")] long? ExpectedVersion = null,
    [property: Description("The version the person was looking at; the same as X-Based-On-Version. When older than the current version, the resource type's conflict policy decides.")] long? BasedOnVersion = null,
    [property: Description("When the person made the change (RFC 3339); last-writer-wins orders writes by it. Default: when the API received it.")] DateTimeOffset? IssuedAt = null)
{
    /// <summary>The body's member names, to refuse the ones we do not know (a misspelled expectedVersion must not make a conditional change unconditional).</summary>
    public static readonly IReadOnlyList<string> MemberNames = ["op", "payload", "expectedVersion", "basedOnVersion", "issuedAt"];
}
