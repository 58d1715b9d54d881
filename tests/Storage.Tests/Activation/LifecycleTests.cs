using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Activation;

public sealed class LifecycleTests
{
    [Fact]
    public async Task FailedActivation_IsNotLeftHalfAlive_AndTheNextCallActivatesAfresh()
    {
        await using var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();
        var grain = cluster.GrainFactory.GetGrain<IFailingActivationGrain>(key);

        var queued = Enumerable.Range(0, 5).Select(_ => grain.GetActivationNumber()).ToArray();
        foreach (var call in queued)
        {
            var exception = await Assert.ThrowsAsync<TestGrainException>(() => call);
            Assert.Contains("activation 1", exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, await grain.GetActivationNumber());
    }

    [Fact]
    public async Task IdleActivation_IsDeactivated_AndTheNextCallReactivatesIt()
    {
        await using var cluster = await StartAsync(options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(200));
        var key = Guid.NewGuid().ToString();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);
        var deactivated = LifecycleGrain.WhenDeactivated(key);

        Assert.Equal(1, await grain.Touch());
        var reason = await deactivated.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(DeactivationReasonCode.IdleTimeout, reason.Code);
        Assert.Equal(2, await grain.Touch());
    }

    [Fact]
    public async Task BusyActivation_IsNotCollected()
    {
        await using var cluster = await StartAsync(options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(100));
        var grain = cluster.GrainFactory.GetGrain<ISlowGrain>(Guid.NewGuid().ToString());
        var longCall = grain.Delay(TimeSpan.FromMilliseconds(600));
        await Task.Delay(300);

        cluster.Primary.Runtime.CollectIdleActivations();

        Assert.Equal("done", await longCall);
        Assert.Equal(1, await grain.CountStartedCalls());
    }

    [Fact]
    public async Task ActivationCap_DeactivatesLeastRecentlyUsedIdleActivations()
    {
        await using var cluster = await StartAsync(options => options.MaxActivations = 10);
        var keys = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var firstDeactivated = LifecycleGrain.WhenDeactivated(keys[0]);
        foreach (var key in keys)
        {
            await cluster.GrainFactory.GetGrain<ILifecycleGrain>(key).Touch();
        }

        var reason = await firstDeactivated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DeactivationReasonCode.ActivationCap, reason.Code);
        Assert.Equal(2, await cluster.GrainFactory.GetGrain<ILifecycleGrain>(keys[0]).Touch());
    }

    [Fact]
    public async Task StoppingTheSilo_DeactivatesEveryGrain()
    {
        var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>(key).Touch();
        var deactivated = LifecycleGrain.WhenDeactivated(key);

        await cluster.DisposeAsync();

        Assert.Equal(DeactivationReasonCode.ShuttingDown, (await deactivated.WaitAsync(TimeSpan.FromSeconds(10))).Code);
    }

    [Fact]
    public async Task StoppingTheSilo_RightAfterHeavyCalling_DeactivatesEveryActivation()
    {
        // Guards the activation scheduler against lost wake-ups: under load a slice ending just as a task was queued
        // once left an activation that never ran its deactivation, and the silo never stopped.
        for (var round = 0; round < 3; round++)
        {
            var cluster = await StartAsync();
            var grains = Enumerable.Range(0, 128).Select(_ => cluster.GrainFactory.GetGrain<ISequenceGrain>(Guid.NewGuid().ToString())).ToArray();
            using var calling = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Task.WhenAll(grains.Select(async grain =>
            {
                for (var i = 0; !calling.IsCancellationRequested; i++)
                {
                    await grain.Append(i);
                }
            }));

            await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static async Task<TestCluster> StartAsync(Action<Hosting.SiloOptions>? configure = null)
    {
        var cluster = new TestClusterBuilder()
            .AddGrains(typeof(LifecycleGrain).Assembly)
                .ConfigureSilo(options => configure?.Invoke(options))
            .Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
