using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Intents;

namespace OrleansConsistency.Grains.Tests.Intents;

/// <summary>
/// The in-memory answers behind <c>Resources:RecentIntentsPerResource</c>: bounded, oldest out first, expired entries
/// never answered, and 0 keeps none (every replay then reads the intent store).
/// </summary>
public sealed class RecentIntentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OverCapacity_TheOldestAnswerLeavesFirst()
    {
        var recent = new RecentIntents(capacity: 2);
        recent.Add(Outcome("k1"), Now.AddHours(1));
        recent.Add(Outcome("k2"), Now.AddHours(1));
        recent.Add(Outcome("k3"), Now.AddHours(1));

        Assert.False(recent.TryGet("k1", Now, out _));
        Assert.True(recent.TryGet("k2", Now, out var second));
        Assert.Equal("k2", second.IdempotencyKey);
        Assert.True(recent.TryGet("k3", Now, out _));
    }

    [Fact]
    public void ExpiredAnswer_IsNotGiven()
    {
        var recent = new RecentIntents(capacity: 10);
        recent.Add(Outcome("k1"), Now.AddMinutes(1));

        Assert.True(recent.TryGet("k1", Now, out _));
        Assert.False(recent.TryGet("k1", Now.AddMinutes(1), out _));
    }

    [Fact]
    public void SameKeyTwice_KeepsTheFirstAnswerAndOneSlot()
    {
        var recent = new RecentIntents(capacity: 2);
        recent.Add(Outcome("k1", version: 1), Now.AddHours(1));
        recent.Add(Outcome("k1", version: 2), Now.AddHours(1));
        recent.Add(Outcome("k2"), Now.AddHours(1));

        Assert.True(recent.TryGet("k1", Now, out var first));
        Assert.Equal(1, first.Version);
        Assert.True(recent.TryGet("k2", Now, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ZeroOrLessCapacity_KeepsNone(int capacity)
    {
        var recent = new RecentIntents(capacity);
        recent.Add(Outcome("k1"), Now.AddHours(1));

        Assert.False(recent.TryGet("k1", Now, out _));
    }

    private static IntentOutcome Outcome(string key, long version = 1) =>
        new(key, "fingerprint", IntentOperation.Increment, version, Rejection: null, CorrelationId: null, Now, Now);
}
