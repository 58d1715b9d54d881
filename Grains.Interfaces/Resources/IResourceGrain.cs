using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>
/// One resource (key <c>{type}/{id}</c>, see <see cref="ResourceKey"/>). Intents apply one at a time; each applied
/// intent bumps the version by one and commits state, intent record and transition event in one transaction.
/// </summary>
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
}
