using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Grains.Tests;

/// <summary>Starts a test cluster of the product's grains on fresh storage, and builds intents tersely.</summary>
internal static class ResourceCluster
{
    public static async Task<TestCluster> StartAsync(string provider, int silos = 1, Action<TestClusterBuilder>? configure = null)
    {
        var builder = new TestClusterBuilder(silos);
        configure?.Invoke(builder);
        var cluster = (await builder.UseFreshStorageAsync(provider)).Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static IResourceGrain Resource(this TestCluster cluster, string type, string id) =>
        cluster.GrainFactory.GetGrain<IResourceGrain>(ResourceKey.Create(type, id).GrainKey);

    public static Intent Intent(IntentOperation operation, string? payloadJson, long? expectedVersion = null, string? key = null) =>
        new(key ?? Guid.NewGuid().ToString("N"), operation, payloadJson is null ? null : JsonDocument.Parse(payloadJson).RootElement.Clone(), expectedVersion);
}
