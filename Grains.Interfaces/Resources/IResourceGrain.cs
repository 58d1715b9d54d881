using Orleans;
using Orleans.Concurrency;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>
/// One resource (key <c>{type}/{id}</c>, see <see cref="ResourceKey"/>). Intents apply one at a time; each applied
/// intent bumps the version by one and commits state, intent record and transition event in one transaction.
/// </summary>
[Alias("oc.IResourceGrain")]
public interface IResourceGrain : IGrainWithStringKey
{
    /// <summary>Applies or refuses an intent, or returns the recorded answer when its key is known.</summary>
    /// <exception cref="InvalidIntentException">The intent is malformed; nothing is recorded.</exception>
    /// <exception cref="IdempotencyKeyMisuseException">The key was used for a different request; nothing is recorded.</exception>
    Task<IntentResult> Submit(Intent intent);

    /// <summary>The status of the intent with this key, or null when the key is unknown (never used, or purged).</summary>
    [AlwaysInterleave]
    Task<IntentStatus?> GetIntentStatus(string idempotencyKey);

    /// <summary>The resource as last committed.</summary>
    [AlwaysInterleave]
    Task<ResourceSnapshot> GetSnapshot();

    /// <summary>
    /// The intent's status once it is settled, failed or rejected, or after <paramref name="maxWait"/> whatever it is
    /// then (the basis of <c>Prefer: wait</c>); null when the key is unknown.
    /// </summary>
    [AlwaysInterleave]
    Task<IntentStatus?> WaitForIntentStatus(string idempotencyKey, TimeSpan maxWait);

    /// <summary>
    /// Resolves an intent parked by the manual conflict policy as a new version whose event records the choice.
    /// Repeating the same resolution answers the same; another choice after it is refused.
    /// </summary>
    /// <exception cref="Conflicts.ConflictResolutionException">Unknown intent, not in conflict, resolved otherwise, or a bad value; nothing changed.</exception>
    Task<IntentResult> Resolve(string idempotencyKey, Conflicts.ConflictChoice choice, System.Text.Json.JsonElement? value);

    /// <summary>The intents parked by the manual conflict policy that wait for a decision, oldest first.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<Conflicts.ParkedConflict>> GetParkedConflicts();

    /// <summary>
    /// Replays the resource's events from version 0 and compares the result with the stored state; with
    /// <paramref name="replace"/>, a differing stored state is replaced by the replayed one (an operator's repair).
    /// </summary>
    Task<Conflicts.RebuildReport> Rebuild(bool replace);

    /// <summary>A consumer durably handled versions up to the acknowledged one; settlement may advance.</summary>
    [AlwaysInterleave]
    Task Acknowledge(Consumers.ConsumerAcknowledgement acknowledgement);

    /// <summary>A consumer is retrying (or gave up on) a version; statuses name it as the stage that holds them.</summary>
    [AlwaysInterleave]
    Task ReportTrouble(Consumers.ConsumerTrouble trouble);
}
