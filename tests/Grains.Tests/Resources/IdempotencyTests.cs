using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Storage;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Resources;

public sealed class IdempotencyTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task FiftyConcurrentSubmits_WithOneKey_ApplyOnce_AndAllGetTheSameAnswer(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("carts", "c1");
        var intent = Intent(IntentOperation.Increment, """{"items":1}""");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => resource.Submit(intent)));

        Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal(1, r.Status.Version));
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Replay_AfterSiloRestart_ReturnsTheOriginalOutcome_AndAppliesNothing(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var intent = Intent(IntentOperation.Merge, """{"status":"paid"}""");
        var first = await cluster.Resource("orders", "o1").Submit(intent);

        await cluster.RestartPrimaryAsync();
        var replay = await cluster.Resource("orders", "o1").Submit(intent);

        Assert.True(replay.Replayed);
        Assert.Equal(first.Status.Version, replay.Status.Version);
        Assert.Equal(first.Status.ReceivedAt, replay.Status.ReceivedAt);
        Assert.Equal(1, (await cluster.Resource("orders", "o1").GetSnapshot()).Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task SameKey_DifferentRequest_IsRefusedAsMisuse_AndAppliesNothing(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "o2");
        await resource.Submit(Intent(IntentOperation.Set, """{"qty":1}""", key: "k-1"));

        var exception = await Assert.ThrowsAsync<IdempotencyKeyMisuseException>(() => resource.Submit(Intent(IntentOperation.Set, """{"qty":2}""", key: "k-1")));

        Assert.Contains("k-1", exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task ExpectedVersionMismatch_IsRefusedWithTheCurrentVersion_AndReplaysAfterRestart(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "o3");
        await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));
        var stale = Intent(IntentOperation.Set, """{"a":2}""", expectedVersion: 0);

        var refused = await resource.Submit(stale);
        await cluster.RestartPrimaryAsync();
        var replay = await cluster.Resource("orders", "o3").Submit(stale);

        Assert.Equal(IntentState.Rejected, refused.Status.State);
        Assert.Equal(IntentRejection.VersionMismatch, refused.Status.Rejection?.Code);
        Assert.Equal(1, refused.Status.Rejection?.CurrentVersion);
        Assert.True(replay.Replayed);
        Assert.Equal(IntentRejection.VersionMismatch, replay.Status.Rejection?.Code);
        Assert.Equal(1, (await cluster.Resource("orders", "o3").GetSnapshot()).Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Purge_RemovesExpiredKeys_SoTheKeyIsUnknownAndUsableAgain(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var intent = Intent(IntentOperation.Increment, """{"n":1}""");
        await cluster.Resource("counters", "p1").Submit(intent);
        await cluster.RestartPrimaryAsync();
        var store = cluster.Primary.Services.GetRequiredService<IIntentStore>();

        var purged = await store.PurgeExpiredAsync(DateTimeOffset.UtcNow.AddHours(25), maxRows: 1000);

        Assert.Equal(1, purged);
        Assert.Null(await cluster.Resource("counters", "p1").GetIntentStatus(intent.IdempotencyKey));
        var again = await cluster.Resource("counters", "p1").Submit(intent);
        Assert.False(again.Replayed);
        Assert.Equal(2, again.Status.Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task CommitWhoseAnswerWasLost_IsReportedApplied_NotFailedAndNotAppliedTwice(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "o4");
        var intent = Intent(IntentOperation.Set, """{"a":1}""");
        cluster.StorageFaults.FailNextCommitsAfterDurable(1);

        var result = await resource.Submit(intent);
        var replay = await resource.Submit(intent);

        Assert.False(result.Replayed);
        Assert.Equal(1, result.Status.Version);
        Assert.True(replay.Replayed);
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task FailedWrite_ReachesTheCaller_AndARetryWithTheSameKeyAppliesOnce(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("orders", "o5");
        var intent = Intent(IntentOperation.Set, """{"a":1}""");
        cluster.StorageFaults.FailNextWrites(1);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => resource.Submit(intent));
        var retried = await resource.Submit(intent);

        Assert.False(retried.Replayed);
        Assert.Equal(1, retried.Status.Version);
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    [Fact]
    public async Task StatusOfAnIntentBeingApplied_IsPending_ThenSettled()
    {
        await using var cluster = await StartAsync("sqlite");
        var resource = cluster.Resource("orders", "o6");
        var intent = Intent(IntentOperation.Set, """{"a":1}""");
        await resource.GetSnapshot();
        cluster.StorageFaults.WriteLatency = TimeSpan.FromMilliseconds(500);

        var submitting = resource.Submit(intent);
        IntentStatus? pending = null;
        while (pending is null && !submitting.IsCompleted)
        {
            pending = await resource.GetIntentStatus(intent.IdempotencyKey);
        }

        await submitting;
        cluster.StorageFaults.WriteLatency = TimeSpan.Zero;
        Assert.Equal(IntentState.Pending, pending?.State);
        Assert.Equal(IntentState.Settled, (await resource.GetIntentStatus(intent.IdempotencyKey))?.State);
    }
}
