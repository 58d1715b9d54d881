using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Calls;

/// <summary>A silo whose activations queue at most two calls behind the one running; Orleans refuses more.</summary>
public sealed class SmallMailboxFixture : IAsyncLifetime
{
    public const int MailboxLength = 2;

    public ProductCluster Cluster { get; } = new ProductClusterBuilder()
        .ConfigureSilo(options => options.MaxMailboxLength = MailboxLength)
        .Build();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}
