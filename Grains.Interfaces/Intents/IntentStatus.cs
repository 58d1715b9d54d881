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
public sealed record IntentStatus(
    string ResourceType,
    string ResourceId,
    string IdempotencyKey,
    IntentState State,
    string Code,
    string Message,
    long? Version,
    long SettledVersion,
    long CurrentVersion,
    IReadOnlyList<IntentStage> Timeline,
    DateTimeOffset? ExpectedSettleBy,
    DateTimeOffset ReceivedAt,
    string? CorrelationId,
    IntentRejection? Rejection,
    Conflicts.ConflictReport? Conflict = null,
    IReadOnlyList<Conflicts.Supersession>? SupersededBy = null);
