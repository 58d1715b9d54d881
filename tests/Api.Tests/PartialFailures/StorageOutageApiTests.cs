using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>A silo whose storage breaker opens after two failed transactions and probes again after a second.</summary>
public sealed class StorageBreakerApiFactory : PartialFailureApiFactory
{
    protected override void ConfigureLimits(IWebHostBuilder builder)
    {
        builder.UseSetting("Silo:Storage:BreakerFailureThreshold", "2");
        builder.UseSetting("Silo:Storage:BreakerDuration", "00:00:01");
    }
}

/// <summary>The database unreachable: changes are refused at once with 503 and Retry-After, never accepted without durability.</summary>
public sealed class StorageOutageApiTests(StorageBreakerApiFactory factory) : PartialFailureTestBase<StorageBreakerApiFactory>(factory)
{
    [Fact]
    public async Task DatabaseDown_ChangesAre503WithRetryAfter_ThenRefusedWithoutTrying_AndNothingChanges_UntilItIsBack()
    {
        var id = NewId();
        // Settled first: by then the silo's own writes for the new stream (Orleans' pub-sub registration of the queue's
        // reader) are done, so the injected failures below meet only this test's writes.
        using (var first = Intent("carts", id, NewId(), """{"op":"set","payload":{"n":1}}"""))
        {
            first.Headers.Add("Prefer", "wait=10");
            using var settled = await Client.SendAsync(first);
            Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        }

        Factory.Faults.FailNextWrites(1000);

        // The first failures find the database down and open the breaker.
        for (var i = 0; i < 2; i++)
        {
            using var failed = await Client.PostIntentAsync("carts", id, NewId(), """{"op":"increment","payload":{"n":1}}""");
            await AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
            Assert.NotNull(failed.Headers.RetryAfter);
        }

        Assert.False(Factory.StorageHealth.IsAvailable);
        var key = NewId();
        using (var refused = await Client.PostIntentAsync("carts", id, key, """{"op":"increment","payload":{"n":1}}"""))
        {
            var problem = await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
            Assert.Equal(key, problem.GetProperty("idempotencyKey").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        // Refused without trying: the write path was not reached (no injected failure was used up), and nothing was stored.
        Assert.Equal(998, Factory.Faults.PendingWriteFailures);
        Assert.Equal((1, 1), await Factory.CountStoredAsync("carts", id));
        using (var unknown = await Client.GetAsync(new Uri($"{IntentsPath("carts", id)}/{key}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // The resource is still readable from memory meanwhile.
        Assert.Equal(1, await Client.GetVersionAsync("carts", id));

        // Back: once the breaker lets a probe through, the same change (same key) is applied, once.
        Factory.Faults.Reset();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        HttpStatusCode status;
        do
        {
            await Task.Delay(100, timeout.Token);
            using var retry = await Client.PostIntentAsync("carts", id, key, """{"op":"increment","payload":{"n":1}}""");
            status = retry.StatusCode;
        }
        while (status == HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(Factory.StorageHealth.IsAvailable);
        Assert.Equal(2, await Client.GetVersionAsync("carts", id));
        Assert.Equal((2, 2), await Factory.CountStoredAsync("carts", id));
    }
}
