using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.Storage.Tests.Storage;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Activation;

/// <summary>Grain state through the product's Orleans storage provider: written durably, read back on every activation.</summary>
public sealed class PersistenceTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [Theory]
    [StorageProviders]
    public async Task IdleDeactivationAndReactivation_RestoreThePersistedState(string provider)
    {
        await using var cluster = await StartAsync(provider, options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(500));
        var key = Guid.NewGuid().ToString();
        var counter = cluster.GrainFactory.GetGrain<IProbeCounterGrain>(key);
        await counter.Add(5);
        var beforeIdle = await counter.Add(2);
        var deactivated = ProbeCounterGrain.WhenDeactivated(key);

        Assert.Equal(DeactivationReasonCode.ActivationIdle, (await deactivated.WaitAsync(WaitLimit)).ReasonCode);

        var reactivated = await counter.Report();
        Assert.Equal(7, reactivated.Value);
        Assert.Equal(beforeIdle.Activations + 1, reactivated.Activations);
        Assert.NotEqual(beforeIdle.ActivationId, reactivated.ActivationId);
    }

    [Theory]
    [StorageProviders]
    public async Task SiloRestart_RestoresThePersistedState(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Add(41);

        var restarted = await cluster.RestartSiloAsync(cluster.Primary);

        Assert.Equal(42, await restarted.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
    }

    [Theory]
    [StorageProviders]
    public async Task Etag_ChangesWithEveryWrite_AndSurvivesReactivation(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        Assert.Null(await counter.GetEtag());

        await counter.Add(1);
        var first = await counter.GetEtag();
        await counter.Add(1);
        var second = await counter.GetEtag();
        await counter.Deactivate();

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.Equal(second, await counter.GetEtag());
        Assert.Equal(2, await counter.GetValue());
    }

    [Theory]
    [StorageProviders]
    public async Task FailedWrite_ReachesTheCaller_AndTheNextWriteSucceeds(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());
        await counter.Add(1);
        cluster.StorageFaults.FailNextWrites(1);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => counter.Add(1));

        // CounterGrain keeps its unsaved increment in memory; a new activation shows what storage has.
        await counter.Deactivate();
        Assert.Equal(1, await counter.GetValue());
        Assert.Equal(2, await counter.Add(1));
    }

    private static async Task<ProductCluster> StartAsync(string provider, Action<SiloHostOptions>? configure = null)
    {
        var builder = await new ProductClusterBuilder()
            .ConfigureSilo(options => configure?.Invoke(options))
            .UseFreshStorageAsync(provider);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
