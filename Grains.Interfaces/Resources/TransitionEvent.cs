using Orleans;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>
/// One transition of a resource, published on its stream in the same commit as the state. The schema is versioned
/// (<see cref="SchemaVersion"/>) and only grows backward-compatibly: consumers ignore fields they do not know.
/// </summary>
/// <param name="SchemaVersion">The event schema's version; 2 today.</param>
/// <param name="ResourceType">The resource type.</param>
/// <param name="ResourceId">The resource id.</param>
/// <param name="Version">The version this transition produced; gapless and increasing per resource.</param>
/// <param name="Type">The transition type: <c>applied</c>.</param>
/// <param name="IntentKey">The idempotency key of the intent that caused it.</param>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="OccurredAt">When it was applied.</param>
/// <param name="Operation">The intent's operation.</param>
/// <param name="Payload">The intent's payload.</param>
/// <param name="Document">The whole document after the transition; null when deleted.</param>
/// <param name="Conflict">Schema 2: the conflict explanation, when the intent met changes made after its base version.</param>
/// <param name="Clock">Schema 2: the resource's hybrid logical clock after this transition.</param>
/// <param name="Stamp">Schema 2: the write's timestamp, which last-writer-wins compares: when the intent was issued
/// (a resolution: the resource's clock, as the newest write).</param>
/// <param name="Effect">Schema 2: what was actually applied, when it differs from the operation and payload asked for
/// (a conflict dropped fields, or a resolution chose); replaying the events applies this.</param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the span that applied it, so that every consumer's span joins the intent's trace;
/// null when nobody was tracing.
/// </param>
/// <param name="Tenant">The resource's tenant when it is not the default one (null in the default tenant, as in every
/// event from before tenants existed).</param>
/// <param name="Session">The client session of the intent (see <see cref="Intent.Session"/>); null when it named none.
/// Replaying keeps it with each field written, so own-session writes stay no conflict after a rebuild.</param>
[GenerateSerializer]
[Alias("oc.TransitionEvent")]
[Immutable]
public sealed record TransitionEvent(
    [property: Id(0)] int SchemaVersion,
    [property: Id(1)] string ResourceType,
    [property: Id(2)] string ResourceId,
    [property: Id(3)] long Version,
    [property: Id(4)] string Type,
    [property: Id(5)] string? IntentKey,
    [property: Id(6)] string? CorrelationId,
    [property: Id(7)] DateTimeOffset OccurredAt,
    [property: Id(8)] IntentOperation Operation,
    [property: Id(9)] JsonElement? Payload,
    [property: Id(10)] JsonElement? Document,
    [property: Id(11)] Conflicts.ConflictReport? Conflict = null,
    [property: Id(12)] Conflicts.HlcTimestamp? Clock = null,
    [property: Id(13)] Conflicts.HlcTimestamp? Stamp = null,
    [property: Id(14)] EffectiveChange? Effect = null,
    [property: Id(15)] string? TraceParent = null,
    [property: Id(16)] string? Tenant = null,
    [property: Id(17)] string? Session = null)
{
    /// <summary>The current schema version: 2 added conflict, clock, stamp and effect.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>The type of a transition that applied an intent.</summary>
    public const string Applied = "applied";

    /// <summary>The resource it happened to, with its tenant.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ResourceKey Resource => new(ResourceType, ResourceId, Tenant ?? ResourceTenant.Default);
}
