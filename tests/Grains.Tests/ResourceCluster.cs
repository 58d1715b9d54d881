using System.Text.Json;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Runtime.Placement;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Grains.Tests;

/// <summary>Starts a test cluster of the product's grains on fresh storage, and builds intents tersely.</summary>
internal static class ResourceCluster
{
    public static async Task<ProductCluster> StartAsync(string provider, int silos = 1, Action<ProductClusterBuilder>? configure = null)
    {
        // Fresh storage first, so that configure may point the cluster at storage of its own.
        var builder = await new ProductClusterBuilder((short)silos).UseFreshStorageAsync(provider);
        configure?.Invoke(builder);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static IResourceGrain Resource(this ProductCluster cluster, string type, string id) =>
        cluster.GrainFactory.GetGrain<IResourceGrain>(ResourceKey.Create(type, id).GrainKey);

    /// <summary>Restarts the primary silo; returns once the cluster's client reaches the cluster again.</summary>
    public static Task RestartPrimaryAsync(this ProductCluster cluster) => cluster.RestartSiloAsync(cluster.Primary);

    /// <summary>Waits until <paramref name="condition"/> holds; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan patience)
    {
        using var limit = new CancellationTokenSource(patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {patience.TotalSeconds} s for {what}.");
            }
        }
    }

    public static Intent Intent(IntentOperation operation, string? payloadJson, long? expectedVersion = null, string? key = null) =>
        new(key ?? Guid.NewGuid().ToString("N"), operation, payloadJson is null ? null : JsonDocument.Parse(payloadJson).RootElement.Clone(), expectedVersion);
}
