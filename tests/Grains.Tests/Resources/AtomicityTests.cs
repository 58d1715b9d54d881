using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Resources;

public sealed class AtomicityTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task HundredConcurrentIntents_GetGaplessVersions_EachWithItsEvent(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("carts", "busy");
        var intents = Enumerable.Range(0, 100).Select(_ => Intent(IntentOperation.Increment, """{"n":1}""")).ToArray();

        var results = await Task.WhenAll(intents.Select(resource.Submit));

        Assert.Equal(Enumerable.Range(1, 100).Select(v => (long)v), results.Select(r => r.Status.Version!.Value).Order());
        var log = cluster.Primary.Services.GetRequiredService<IEventLog>();
        var events = await log.ReadStreamAsync("resource/carts", "busy", 1, 1000);
        Assert.Equal(Enumerable.Range(1, 100).Select(v => (long)v), events.Select(e => e.Version));
        var keyOfVersion = results.ToDictionary(r => r.Status.Version!.Value, r => r.Status.IdempotencyKey);
        Assert.All(events, e => Assert.Equal(keyOfVersion[e.Version], e.IntentKey));
        Assert.Contains("\"n\":100", events[^1].Payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task TwoActivationsOfOneResource_CannotBothCommitAVersion(string provider)
    {
        // Orleans keeps one activation per grain within a cluster, so two activations of one resource come from two
        // clusters over the same storage (as a split cluster would have): only the ETag keeps the versions apart.
        var sqliteDirectory = Path.Combine(Path.GetTempPath(), "orleansconsistency-tests", Guid.NewGuid().ToString("N"));
        string? connectionString = null;
        if (provider == StorageOptions.PostgresProvider)
        {
            connectionString = await (await PostgresServer.StartAsync()).CreateDatabaseAsync("two_activations");
        }
        else
        {
            Directory.CreateDirectory(sqliteDirectory);
            connectionString = $"Data Source={Path.Combine(sqliteDirectory, "shared.db")}";
        }

        try
        {
            await using var first = await StartAsync(provider, configure: builder => builder.UseStorage(provider, connectionString));
            await using var second = await StartAsync(provider, configure: builder => builder.UseStorage(provider, connectionString));
            var onFirst = first.Resource("carts", "shared");
            var onSecond = second.Resource("carts", "shared");
            await onFirst.GetSnapshot();
            await onSecond.GetSnapshot();

            var results = await Task.WhenAll(
                Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? onFirst : onSecond).Submit(Intent(IntentOperation.Increment, """{"n":1}"""))));

            Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), results.Select(r => r.Status.Version!.Value).Order());
            var events = await first.Primary.Services.GetRequiredService<IEventLog>().ReadStreamAsync("resource/carts", "shared", 1, 100);
            Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), events.Select(e => e.Version));
        }
        finally
        {
            TryDelete(sqliteDirectory);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RefusedIntent_WritesItsRecordButNoEventAndNoVersion(string provider)
    {
        await using var cluster = await StartAsync(provider);
        var resource = cluster.Resource("carts", "refusals");
        await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));

        var refused = await resource.Submit(Intent(IntentOperation.Set, """{"a":2}""", expectedVersion: 7));

        var store = cluster.Primary.Services.GetRequiredService<IIntentStore>();
        var record = await store.FindAsync("carts/refusals", refused.Status.IdempotencyKey);
        Assert.NotNull(record);
        Assert.Null(record.Version);
        var events = await cluster.Primary.Services.GetRequiredService<IEventLog>().ReadStreamAsync("resource/carts", "refusals", 1, 100);
        Assert.Single(events);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection is left for the OS temp cleaner.
        }
    }
}
