using OrleansConsistency.TestGrains;
using OrleansConsistency.TestingHost;

namespace OrleansConsistency.Runtime.Tests;

/// <summary>One silo with in-memory storage, shared by the tests of the call and scheduling semantics, where storage is not the point.</summary>
public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder()
        .AddGrains(typeof(CounterGrain).Assembly)
        .UseStorage("memory", connectionString: null)
        .Build();

    public IGrainFactory GrainFactory => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class MemoryClusterCollection : ICollectionFixture<MemoryClusterFixture>
{
    public const string Name = "memory cluster";
}
