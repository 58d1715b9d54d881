using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.TestGrains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// Two product silos in one Orleans cluster over one PostgreSQL database: Orleans' directory keeps one activation
/// per grain whichever silo a call enters by, and when the silo holding it dies the grain comes back on the other
/// one with its stored state.
/// </summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task CallsThroughEitherSilo_LandOnOneActivation_AndAKilledSilosGrainMovesWithItsState()
    {
        await using var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();
        var silos = cluster.Silos;
        Assert.Equal(2, silos.Count);

        var reports = new List<ProbeReport>();
        foreach (var entry in new[] { silos[0].GrainFactory, silos[1].GrainFactory, cluster.GrainFactory, silos[1].GrainFactory, silos[0].GrainFactory })
        {
            reports.Add(await entry.GetGrain<IProbeCounterGrain>(key).Add(1));
        }

        Assert.Equal([1L, 2, 3, 4, 5], reports.Select(r => r.Value));
        var activation = Assert.Single(reports.Select(r => (r.Silo, r.ActivationId, r.Activations)).Distinct());
        Assert.Equal(1, activation.Activations);
        var holder = Assert.Single(silos, s => s.Handle.SiloAddress.Equals(activation.Silo));
        var survivor = Assert.Single(silos, s => s != holder);

        await cluster.KillSiloAsync(holder);
        await PostgresClusters.WaitUntilDeclaredDeadAsync(survivor, holder.Handle.SiloAddress);

        var moved = await survivor.GrainFactory.GetGrain<IProbeCounterGrain>(key).Add(1);
        Assert.Equal(6, moved.Value);
        Assert.Equal(survivor.Handle.SiloAddress, moved.Silo);
        Assert.Equal(2, moved.Activations);
        Assert.NotEqual(activation.ActivationId, moved.ActivationId);
        Assert.Equal(moved, await cluster.GrainFactory.GetGrain<IProbeCounterGrain>(key).Report());
    }

    [Fact]
    public async Task ExceptionFromAGrainOnEitherSilo_ReachesTheCallerWithItsTypeAndMessage()
    {
        await using var cluster = await StartAsync();
        var key = Guid.NewGuid().ToString();

        // The activation lives on one of the two silos, so one of these calls crosses from silo to silo.
        foreach (var silo in cluster.Silos)
        {
            var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(key);
            var thrown = await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail($"boom via {silo.Name}"));
            Assert.Equal($"boom via {silo.Name}", thrown.Message);
            var synchronous = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await grain.FailSynchronously("out of range"));
            Assert.Contains("out of range", synchronous.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<ProductCluster> StartAsync()
    {
        var builder = await new ProductClusterBuilder(initialSilosCount: 2)
            // A killed silo is declared dead in seconds rather than Orleans' default of about 15.
            .ConfigureServices(PostgresClusters.FastFailureDetection)
            .UseFreshStorageAsync(StorageOptions.PostgresProvider);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
