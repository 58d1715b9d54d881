using OrleansConsistency.Storage;
using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Calls;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public void GetGrain_InvalidKey_ThrowsArgumentException(string key)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(() => fixture.GrainFactory.GetGrain<ICounterGrain>(key));

        Assert.Contains("grain key", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetGrain_NullKey_ThrowsArgumentException() =>
        Assert.ThrowsAny<ArgumentException>(() => fixture.GrainFactory.GetGrain<ICounterGrain>(null!));

    [Fact]
    public void GetGrain_KeyLongerThanTheLimit_ThrowsArgumentException()
    {
        var exception = Assert.ThrowsAny<ArgumentException>(() => fixture.GrainFactory.GetGrain<ICounterGrain>(new string('k', GrainId.MaxKeyLength + 1)));

        Assert.Contains("at most", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetGrain_InterfaceWithoutGrainClass_ThrowsGrainInterfaceNotFound()
    {
        var exception = Assert.Throws<GrainInterfaceNotFoundException>(() => fixture.GrainFactory.GetGrain<IUnimplementedGrain>("x"));

        Assert.Contains(nameof(IUnimplementedGrain), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateTypeThatCannotBeSerialized_FailsActivationWithAClearException()
    {
        var grain = fixture.GrainFactory.GetGrain<IBadStateGrain>("bad");

        var exception = await Assert.ThrowsAsync<StateSerializationException>(grain.Touch);

        Assert.Contains(nameof(UnserializableState), exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Text.Json", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GrainCreatedWithNew_ThrowsInvalidOperation()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new SequenceGrain());

        Assert.Contains("GetGrain", exception.Message, StringComparison.Ordinal);
    }
}
