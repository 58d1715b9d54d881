using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Activation;

/// <summary>
/// Activation lifecycle as the product configures it: idle activations are collected after
/// <see cref="SiloHostOptions.IdleDeactivationAge"/> (Orleans' <c>GrainCollectionOptions</c>), busy ones are not, a failed
/// activation leaves nothing behind, and a stopping silo deactivates its grains.
/// </summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FailedActivation_IsNotLeftHalfAlive_AndTheNextCallActivatesAfresh()
    {
        await using var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();
        var grain = cluster.GrainFactory.GetGrain<IFailingActivationGrain>(key);

        var exception = await Assert.ThrowsAsync<TestGrainException>(grain.GetActivationNumber);
        Assert.Contains("activation 1", exception.Message, StringComparison.Ordinal);

        Assert.Equal(2, await grain.GetActivationNumber());
    }

    [Fact]
    public async Task IdleActivation_IsDeactivated_AndTheNextCallReactivatesIt()
    {
        await using var cluster = await StartAsync(options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(500));
        var key = Guid.NewGuid().ToString();
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>(key);
        var deactivated = LifecycleGrain.WhenDeactivated(key);

        Assert.Equal(1, await grain.Touch());
        var reason = await deactivated.WaitAsync(WaitLimit);

        Assert.Equal(DeactivationReasonCode.ActivationIdle, reason.ReasonCode);
        Assert.Equal(2, await grain.Touch());
    }

    [Fact]
    public async Task BusyActivation_IsNotCollected()
    {
        await using var cluster = await StartAsync(options => options.IdleDeactivationAge = TimeSpan.FromMilliseconds(500));
        var idleKey = Guid.NewGuid().ToString();
        var idleDeactivated = LifecycleGrain.WhenDeactivated(idleKey);
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>(idleKey).Touch();
        var busyKey = Guid.NewGuid().ToString();
        var holder = cluster.GrainFactory.GetGrain<IGateGrain>(busyKey).Hold();
        await GateGrain.WhenHolding(busyKey).WaitAsync(WaitLimit);

        // The idle grain, last called before the busy one got busy, being collected shows the collector has run
        // past the idle age; the busy grain, inside one call all that time, is still there.
        await idleDeactivated.WaitAsync(WaitLimit);
        Assert.False(GateGrain.WhenDeactivated(busyKey).IsCompleted);

        GateGrain.Release(busyKey);
        await holder;
    }

    [Fact]
    public async Task StoppingTheSilo_DeactivatesEveryGrain()
    {
        var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>(key).Touch();
        var deactivated = LifecycleGrain.WhenDeactivated(key);

        await cluster.DisposeAsync();

        Assert.Equal(DeactivationReasonCode.ShuttingDown, (await deactivated.WaitAsync(WaitLimit)).ReasonCode);
    }

    private static async Task<ProductCluster> StartAsync(Action<SiloHostOptions>? configure = null)
    {
        var cluster = new ProductClusterBuilder().ConfigureSilo(options => configure?.Invoke(options)).Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
