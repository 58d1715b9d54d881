using OrleansConsistency.TestGrains;

namespace OrleansConsistency.Storage.Tests.Calls;

[Collection(ClusterCollection.Name)]
public sealed class ExceptionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ExceptionInGrain_ReachesTheCallerWithItsTypeAndMessage()
    {
        var grain = fixture.GrainFactory.GetGrain<IThrowingGrain>(Guid.NewGuid().ToString());

        var exception = await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail("the reason"));

        Assert.Equal("the reason", exception.Message);
    }

    [Fact]
    public async Task SynchronousThrowInValueTaskMethod_ReachesTheCallerUnwrapped()
    {
        var grain = fixture.GrainFactory.GetGrain<IThrowingGrain>(Guid.NewGuid().ToString());

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await grain.FailSynchronously("out of range"));

        Assert.Contains("out of range", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainThatThrew_KeepsServingLaterCalls()
    {
        var grain = fixture.GrainFactory.GetGrain<IThrowingGrain>(Guid.NewGuid().ToString());
        await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail("first"));

        var second = await Assert.ThrowsAsync<TestGrainException>(() => grain.Fail("second"));

        Assert.Equal("second", second.Message);
    }
}
