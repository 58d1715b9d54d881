using System.Net;
using Microsoft.AspNetCore.Hosting;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>A silo whose resources may each have one change waiting.</summary>
public sealed class SmallMailboxApiFactory : PartialFailureApiFactory
{
    protected override void ConfigureLimits(IWebHostBuilder builder) => builder.UseSetting("Silo:MaxMailboxLength", "1");
}

/// <summary>An API that serves two requests at once and queues none.</summary>
public sealed class TwoAtATimeApiFactory : PartialFailureApiFactory
{
    protected override void ConfigureLimits(IWebHostBuilder builder)
    {
        builder.UseSetting("Api:LoadShedding:MaxConcurrentRequests", "2");
        builder.UseSetting("Api:LoadShedding:QueueLimit", "0");
        builder.UseSetting("Api:LoadShedding:RetryAfterSeconds", "3");
    }
}

/// <summary>Shared by both load-shedding test classes: a burst of changes, what was refused, and that the rest settled.</summary>
internal static class Burst
{
    public static async Task<(List<(string Id, string Key)> Accepted, List<HttpResponseMessage> Refused)> SendAsync(
        HttpClient client, int count, Func<int, string> resourceId, TimeSpan slowWrite, PartialFailureApiFactory factory)
    {
        factory.Faults.WriteLatency = slowWrite;
        var keys = Enumerable.Range(0, count).Select(_ => NewId()).ToList();
        var responses = await Task.WhenAll(keys.Select((key, i) => client.PostIntentAsync("carts", resourceId(i), key, """{"op":"increment","payload":{"n":1}}""")));
        factory.Faults.Reset();

        var accepted = new List<(string Id, string Key)>();
        var refused = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((resourceId(i), keys[i]));
                responses[i].Dispose();
            }
            else
            {
                refused.Add(responses[i]);
            }
        }

        return (accepted, refused);
    }

    /// <summary>Every accepted change reaches settled: shedding load never strands what was accepted.</summary>
    public static async Task AssertAllSettleAsync(HttpClient client, IEnumerable<(string Id, string Key)> intents)
    {
        foreach (var (id, key) in intents)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{IntentsPath("carts", id)}/{key}").WithHeader("Prefer", "wait=10");
            using var response = await client.SendAsync(request);
            using var status = await ReadJsonAsync(response);
            Assert.Equal("settled", status.RootElement.GetProperty("state").GetString());
        }
    }
}

public sealed class GrainLoadSheddingApiTests(SmallMailboxApiFactory factory) : PartialFailureTestBase<SmallMailboxApiFactory>(factory)
{
    [Fact]
    public async Task BurstOnOneResource_Answers429WithRetryAfter_AndEveryAcceptedChangeSettles()
    {
        var id = NewId();
        await Client.ApplyAsync("carts", id, """{"op":"set","payload":{"n":0}}""");

        var (accepted, refused) = await Burst.SendAsync(Client, 8, _ => id, TimeSpan.FromMilliseconds(300), Factory);

        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            using (response)
            {
                var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "resource-busy");
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.False(string.IsNullOrEmpty(problem.GetProperty("idempotencyKey").GetString()));
            }
        }

        await Burst.AssertAllSettleAsync(Client, accepted);

        // Refused changes left no trace: one version, intent and event per accepted change (plus the first set).
        Assert.Equal(1 + accepted.Count, await Client.GetVersionAsync("carts", id));
        Assert.Equal((1L + accepted.Count, 1L + accepted.Count), await Factory.CountStoredAsync("carts", id));
        using var read = await Client.GetAsync(new Uri($"/v1/resources/carts/{id}", UriKind.Relative));
        using var body = await ReadJsonAsync(read);
        Assert.Equal(accepted.Count, body.RootElement.GetProperty("document").GetProperty("n").GetInt32());
    }
}

public sealed class GlobalLoadSheddingApiTests(TwoAtATimeApiFactory factory) : PartialFailureTestBase<TwoAtATimeApiFactory>(factory)
{
    [Fact]
    public async Task BurstPastTheConcurrencyLimit_Answers503OverloadedWithRetryAfter_AndEveryAcceptedChangeSettles()
    {
        var ids = Enumerable.Range(0, 10).Select(_ => NewId()).ToList();

        var (accepted, refused) = await Burst.SendAsync(Client, ids.Count, i => ids[i], TimeSpan.FromMilliseconds(300), Factory);

        Assert.NotEmpty(refused);
        Assert.NotEmpty(accepted);
        foreach (var response in refused)
        {
            using (response)
            {
                await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "overloaded");
                Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
            }
        }

        await Burst.AssertAllSettleAsync(Client, accepted);

        // Exactly the accepted changes were stored; the shed ones changed nothing.
        foreach (var id in ids)
        {
            var stored = await Factory.CountStoredAsync("carts", id);
            var expected = accepted.Any(a => a.Id == id) ? 1L : 0L;
            Assert.Equal((expected, expected), stored);
        }
    }

    [Fact]
    public async Task EventStreamsAndHealth_AreNotCountedByTheLimit()
    {
        // Two open streams would take both slots if they were counted.
        var id = NewId();
        using var first = await Client.GetAsync(new Uri($"/v1/resources/carts/{id}/events?from=0", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var second = await Client.GetAsync(new Uri($"/v1/resources/carts/{id}/events?from=0", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var live = await Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var change = await Client.PostIntentAsync("carts", id, NewId(), """{"op":"set","payload":{}}""");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, change.StatusCode);
    }
}
