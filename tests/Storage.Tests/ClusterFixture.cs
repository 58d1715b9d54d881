using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests;

/// <summary>One product silo on a fresh SQLite file, shared by the tests of the call and scheduling semantics.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public ProductCluster Cluster { get; } = new ProductClusterBuilder().Build();

    /// <summary>References whose calls go through the cluster's client, as an API's would.</summary>
    public IGrainFactory GrainFactory => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}
