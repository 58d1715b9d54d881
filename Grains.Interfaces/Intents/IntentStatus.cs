using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>
/// What a person or client needs to know about one intent, derived from the resource's versions: where it is,
/// a stable code, a plain-words message, its timeline, and when it should be settled.
/// </summary>
/// <param name="ResourceType">The resource's type.</param>
/// <param name="ResourceId">The resource's id.</param>
/// <param name="IdempotencyKey">The intent's key.</param>
/// <param name="State">pending, in-progress, settled, rejected or failed.</param>
/// <param name="Code">A stable machine code for the situation, e.g. <c>applied-settling</c>.</param>
/// <param name="Message">A plain sentence for people.</param>
/// <param name="Version">The version the intent produced; null unless applied.</param>
/// <param name="SettledVersion">The resource's settled version now.</param>
/// <param name="CurrentVersion">The resource's version now.</param>
/// <param name="Timeline">The stages so far.</param>
/// <param name="ExpectedSettleBy">When it should be settled; null once settled or when it never will be.</param>
/// <param name="ReceivedAt">When the grain received it.</param>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="Rejection">Why it was refused, when it was.</param>
/// <param name="Conflict">What happened when it met changes made after its base version (see the README's conflict section).</param>
/// <param name="SupersededBy">Later intents that replaced values this one wrote, oldest first.</param>
[GenerateSerializer]
[Alias("oc.IntentStatus")]
public sealed record IntentStatus(
    [property: Id(0)] string ResourceType,
    [property: Id(1)] string ResourceId,
    [property: Id(2)] string IdempotencyKey,
    [property: Id(3)] IntentState State,
    [property: Id(4)] string Code,
    [property: Id(5)] string Message,
    [property: Id(6)] long? Version,
    [property: Id(7)] long SettledVersion,
    [property: Id(8)] long CurrentVersion,
    [property: Id(9)] IReadOnlyList<IntentStage> Timeline,
    [property: Id(10)] DateTimeOffset? ExpectedSettleBy,
    [property: Id(11)] DateTimeOffset ReceivedAt,
    [property: Id(12)] string? CorrelationId,
    [property: Id(13)] IntentRejection? Rejection,
    [property: Id(14)] Conflicts.ConflictReport? Conflict = null,
    [property: Id(15)] IReadOnlyList<Conflicts.Supersession>? SupersededBy = null);
