using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Tests.Storage;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Activation;

public sealed class PersistenceTests
{
    [Theory]
    [StorageProviders]
    public async Task IdleDeactivationAndReactivation_RestoreThePersistedState(string provider)
    {
        await using var cluster = await StartAsync(provider, options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(200));
        var key = Guid.NewGuid().ToString();
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>(key);
        var lifecycle = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);
        await counter.Add(5);
        await counter.Add(2);
        var deactivated = LifecycleGrain.WhenDeactivated(key);
        await lifecycle.Touch();
        await deactivated.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilNoActivationsAsync(cluster);

        Assert.Equal(7, await counter.GetValue());
        Assert.Equal(1, cluster.Primary.Runtime.ActivationCount);
    }

    [Theory]
    [StorageProviders]
    public async Task SiloRestart_RestoresThePersistedState(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Add(41);

        await cluster.RestartSiloAsync(cluster.Primary);

        Assert.Equal(42, await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Add(1));
    }

    [Theory]
    [StorageProviders]
    public async Task StaleEtagWrite_ThrowsInconsistentState_AndChangesNothing(string provider)
    {
        // Two silos over one storage, each with its own activation of the same grain: only the ETag protects the row.
        await using var cluster = await StartAsync(provider, silos: 2);
        var key = Guid.NewGuid().ToString();
        var onFirst = cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key);
        var onSecond = cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.Equal(0, await onSecond.GetValue());
        Assert.Equal(10, await onFirst.Add(10));

        await Assert.ThrowsAsync<InconsistentStateException>(() => onSecond.Add(1));

        await onSecond.Deactivate();
        Assert.Equal(10, await onSecond.GetValue());
        Assert.Equal(11, await onFirst.Add(1));
    }

    [Theory]
    [StorageProviders]
    public async Task ClearState_KeepsStaleWritersOut(string provider)
    {
        await using var cluster = await StartAsync(provider, silos: 2);
        var key = Guid.NewGuid().ToString();
        var onFirst = cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key);
        var onSecond = cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>(key);
        await onFirst.Add(3);
        Assert.Equal(3, await onSecond.GetValue());

        await onFirst.Clear();

        await Assert.ThrowsAsync<InconsistentStateException>(() => onSecond.Add(1));
        Assert.Equal(0, await onFirst.GetValue());
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

        await counter.Deactivate();
        Assert.Equal(1, await counter.GetValue());
        Assert.Equal(2, await counter.Add(1));
    }

    private static async Task WaitUntilNoActivationsAsync(TestCluster cluster)
    {
        // Both grains went idle together; the collector takes them within one more round.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (cluster.Primary.Runtime.ActivationCount > 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<TestCluster> StartAsync(string provider, Action<Hosting.SiloOptions>? configure = null, int silos = 1)
    {
        var builder = await new TestClusterBuilder(silos)
            .AddGrains(typeof(CounterGrain).Assembly)
            .ConfigureSilo(options => configure?.Invoke(options))
            .UseFreshStorageAsync(provider);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
