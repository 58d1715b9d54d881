using System.Net;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>Request-Timeout over HTTP: a grain call that would take 1 s, asked for within 200 ms.</summary>
public sealed class DeadlineApiTests(PartialFailureApiFactory factory) : PartialFailureTestBase<PartialFailureApiFactory>(factory)
{
    private static readonly TimeSpan SlowWrite = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ChangeQueuedBehindASlowWrite_With200msDeadline_Answers504_AndIsNeverStarted()
    {
        var id = NewId();
        await Client.ApplyAsync("carts", id, """{"op":"set","payload":{"n":0}}""");
        Factory.Faults.WriteLatency = SlowWrite;
        var holderKey = NewId();
        var holder = Client.PostIntentAsync("carts", id, holderKey, """{"op":"increment","payload":{"n":1}}""");
        await WaitUntilBeingSavedAsync("carts", id, holderKey);

        var lateKey = NewId();
        using var late = await Client.SendAsync(Intent("carts", id, lateKey, """{"op":"increment","payload":{"n":10}}""").WithHeader("Request-Timeout", "200"));

        // Answered while the write it queued behind was still on its way: it did not wait for the grain.
        Assert.False(holder.IsCompleted);
        var problem = await AssertProblemAsync(late, HttpStatusCode.GatewayTimeout, "deadline-exceeded");
        Assert.False(problem.GetProperty("started").GetBoolean());
        Assert.Equal(lateKey, problem.GetProperty("idempotencyKey").GetString());
        Assert.Contains("Request-Timeout: 200 ms", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(late.Headers.RetryAfter);

        using (var held = await holder)
        {
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        }

        Factory.Faults.Reset();

        // Nothing past the deadline was started: the late change is unknown, the version and document show only the holder.
        using var lateStatus = await Client.GetAsync(new Uri($"{IntentsPath("carts", id)}/{lateKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, lateStatus.StatusCode);
        Assert.Equal(2, await Client.GetVersionAsync("carts", id));
        Assert.Equal((2, 2), await Factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task ChangeWhoseWriteTakesOneSecond_With200msDeadline_AnswersItsStatus_InProgress_NotAnError()
    {
        var id = NewId();
        var key = NewId();

        // Active and warm, so that the 200 ms go to the write, not to a first activation.
        await Client.ApplyAsync("carts", id, """{"op":"set","payload":{"a":0}}""");
        Factory.Faults.WriteLatency = SlowWrite;

        using var response = await Client.SendAsync(Intent("carts", id, key, """{"op":"set","payload":{"a":1}}""").WithHeader("Request-Timeout", "200"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using (var status = await ReadJsonAsync(response))
        {
            // Still being saved when the deadline ran out (on a very slow machine, perhaps just saved): the answer says
            // where the change is and where to follow it.
            Assert.True(status.RootElement.GetProperty("state").GetString() is "pending" or "in-progress", status.RootElement.ToString());
        }

        Assert.Equal($"{IntentsPath("carts", id)}/{key}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.RetryAfter);

        // The change went on after the answer and settles like any other.
        Factory.Faults.Reset();
        using var later = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{IntentsPath("carts", id)}/{key}").WithHeader("Prefer", "wait=10"));
        using var settled = await ReadJsonAsync(later);
        Assert.Equal("settled", settled.RootElement.GetProperty("state").GetString());
        Assert.Equal(2, settled.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task PreferWaitLongerThanTheDeadline_EndsAtTheDeadline_WithTheStatusSoFar()
    {
        var id = NewId();
        Factory.Consumers.PauseConsumer("read-model");
        try
        {
            using var response = await Client.SendAsync(Intent("carts", id, NewId(), """{"op":"set","payload":{"a":1}}""")
                .WithHeader("Prefer", "wait=20")
                .WithHeader("Request-Timeout", "1000"));

            // The read model is paused, so the intent cannot settle: the answer at the deadline is the status so far
            // (in progress once saved; pending if a busy machine had not even committed it yet).
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            using var status = await ReadJsonAsync(response);
            var state = status.RootElement.GetProperty("state").GetString();
            Assert.True(state is "in-progress" or "pending", $"state {state}");
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            Factory.Consumers.ResumeConsumer("read-model");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public async Task MalformedRequestTimeout_Answers400_AndChangesNothing(string value)
    {
        var id = NewId();

        using var response = await Client.SendAsync(Intent("carts", id, NewId(), """{"op":"set","payload":{}}""").WithHeader("Request-Timeout", value));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request-timeout");
        Assert.Equal((0, 0), await Factory.CountStoredAsync("carts", id));
    }

    /// <summary>Until the intent is known to the grain but not yet saved (its status is pending).</summary>
    private async Task WaitUntilBeingSavedAsync(string type, string id, string key)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var response = await Client.GetAsync(new Uri($"{IntentsPath(type, id)}/{key}", UriKind.Relative), timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var status = await ReadJsonAsync(response);
                Assert.Equal("pending", status.RootElement.GetProperty("state").GetString());
                return;
            }

            await Task.Delay(10, timeout.Token);
        }
    }
}
