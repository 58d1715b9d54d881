using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Activation;

/// <summary>A state the provider cannot store or read fails with <see cref="StateSerializationException"/>, naming the type, and stores nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StateSerializationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task StateTypeThatCannotBeSerialized_FailsTheWriteWithAClearException()
    {
        var key = Guid.NewGuid().ToString();
        var grain = fixture.GrainFactory.GetGrain<IBadStateGrain>(key);

        var exception = await Assert.ThrowsAsync<StateSerializationException>(grain.Touch);

        Assert.Contains(nameof(UnserializableState), exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Text.Json", exception.Message, StringComparison.Ordinal);
        Assert.Null(await Storage.ReadAsync("badstate", key));
    }

    [Fact]
    public async Task StoredStateThatCannotBeRead_FailsTheActivationWithAClearException()
    {
        var key = Guid.NewGuid().ToString();
        await Storage.WriteAsync(new GrainStateWrite("counter", key, ExpectedEtag: null, """{"value":"not a number"}""", Version: null, CommitRecords.None));
        var grain = fixture.GrainFactory.GetGrain<ICounterGrain>(key);

        var exception = await Assert.ThrowsAsync<StateSerializationException>(grain.GetValue);

        Assert.Contains($"counter/{key}", exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CounterState), exception.Message, StringComparison.Ordinal);
    }

    private StorageProvider Storage => fixture.Cluster.Primary.Services.GetRequiredService<StorageProvider>();
}
