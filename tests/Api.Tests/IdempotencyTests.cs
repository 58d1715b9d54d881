using System.Net;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SamePostSentFiftyTimesConcurrently_AppliesOnce_AndEveryAnswerIsTheSame()
    {
        var id = NewId();
        await _client.ApplyAsync("carts", id, """{"op":"set","payload":{"count":0}}""");
        var key = NewId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            _client.SendAsync(Intent("carts", id, key, """{"op":"increment","payload":{"count":1}}"""))));

        var versions = new List<long>();
        foreach (var response in responses)
        {
            using var status = await ReadJsonAsync(response);
            versions.Add(status.RootElement.GetProperty("version").GetInt64());
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.Location).Distinct());
        Assert.Equal($"/v1/resources/carts/{id}/intents/{key}", responses[0].Headers.Location?.OriginalString);
        Assert.Single(versions.Distinct());
        Assert.Equal(2, versions[0]);
        Assert.All(responses, r => Assert.Equal("\"2\"", Header(r, "ETag")));
        Assert.True(responses.Count(IsReplay) >= 49, $"{responses.Count(IsReplay)} answers were marked as replays");
        Assert.Equal(2, await _client.GetVersionAsync("carts", id));
        using var resource = await ReadJsonAsync(await _client.GetAsync(new Uri($"/v1/resources/carts/{id}", UriKind.Relative)));
        Assert.Equal(1, resource.RootElement.GetProperty("document").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Replay_AnswersTheFirstStatusAndLocation_WithIdempotentReplayedTrue()
    {
        var id = NewId();
        var key = NewId();
        const string body = """{"op":"set","payload":{"name":"first"}}""";

        using var first = await _client.PostIntentAsync("carts", id, key, body);
        using var replay = await _client.PostIntentAsync("carts", id, key, body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(IsReplay(first));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.True(IsReplay(replay));
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(Header(first, "ETag"), Header(replay, "ETag"));
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
    }

    [Fact]
    public async Task VersionMismatchRefusal_IsRecorded_AndTheSameRequestAgainAnswers412Replayed()
    {
        var id = NewId();
        await _client.ApplyAsync("carts", id, """{"op":"set","payload":{"a":1}}""");
        var key = NewId();
        const string body = """{"op":"merge","payload":{"a":2},"expectedVersion":0}""";

        using var first = await _client.PostIntentAsync("carts", id, key, body);
        var problem = await AssertProblemAsync(first, HttpStatusCode.PreconditionFailed, "version-mismatch");
        using var again = await _client.PostIntentAsync("carts", id, key, body);
        await AssertProblemAsync(again, HttpStatusCode.PreconditionFailed, "version-mismatch");

        Assert.False(IsReplay(first));
        Assert.True(IsReplay(again));
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal("rejected", problem.GetProperty("intent").GetProperty("state").GetString());
        Assert.Equal($"/v1/resources/carts/{id}/intents/{key}", first.Headers.Location?.OriginalString);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
    }

    [Fact]
    public async Task IntentStatus_IsServedAtTheLocation_EvenForKeysThatNeedEscaping()
    {
        var id = NewId();
        var key = $"a/b%c?d#e+{NewId()}";

        using var posted = await _client.PostIntentAsync("carts", id, key, """{"op":"set","payload":{"x":1}}""");
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        using var status = await _client.GetAsync(posted.Headers.Location);

        Assert.True(HttpStatusCode.OK == status.StatusCode, await status.Content.ReadAsStringAsync());
        using var body = await ReadJsonAsync(status);
        Assert.Equal(key, body.RootElement.GetProperty("idempotencyKey").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("version").GetInt64());
        Assert.Matches("^(in-progress|settled)$", body.RootElement.GetProperty("state").GetString());
    }
}
