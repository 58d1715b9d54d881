using System.Text.Json;
using Orleans.Runtime.Placement;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>The product's resources in the cluster tests: intents, placement on a chosen silo, and a client's retries.</summary>
internal static class ClusterResources
{
    private static readonly JsonElement One = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();

    /// <summary>A fresh resource key of type <c>orders</c>.</summary>
    public static string NewKey(string prefix) => ResourceKey.Create("orders", $"{prefix}-{Guid.NewGuid():N}").GrainKey;

    /// <summary>An intent that adds 1 to the document's <c>n</c>, with a fresh idempotency key.</summary>
    public static Intent Increment(long? expectedVersion = null) => new(Guid.NewGuid().ToString("N"), IntentOperation.Increment, One, expectedVersion);

    /// <summary>The stored events of a resource, in version order.</summary>
    public static Task<IReadOnlyList<EventRecord>> EventsAsync(this IEventLog log, string key)
    {
        var resource = ResourceKey.ParseGrainKey(key);
        return log.ReadStreamAsync(resource.StreamNamespace, resource.Id, 1, 1000);
    }

    /// <summary>
    /// Like a client: an intent whose call failed (its silo is gone, not yet declared dead, or cannot reach storage) is
    /// sent again with the same key; intents are idempotent, so it applies once.
    /// </summary>
    public static async Task<IntentResult> SubmitWithRetriesAsync(this IResourceGrain grain, Intent intent)
    {
        using var limit = new CancellationTokenSource(PostgresClusters.WaitLimit);
        while (true)
        {
            try
            {
                return await grain.Submit(intent);
            }
            catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or StorageUnavailableException
                && !limit.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
