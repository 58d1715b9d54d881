using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Settlement;

/// <summary>Prefer: wait, consistency levels, listing, Server-Sent Events and consumer retry, over HTTP with the read model required.</summary>
[Collection(SettlementApiCollection.Name)]
public sealed class SettlementApiTests(SettlementApiFactory factory)
{
    private const string ReadModel = "read-model";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task PreferWait_AnswersOkAndSettled_WhenConsumersAreHealthy()
    {
        var id = NewId();
        using var response = await PostAsync("orders", id, """{"op":"set","payload":{"a":1}}""", prefer: "wait=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=2", Header(response, "Preference-Applied"));
        Assert.Equal("1", Header(response, "X-Consistency-Token"));
        using var body = await ReadJsonAsync(response);
        Assert.Equal("settled", body.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task PreferWait_Malformed_IsIgnoredAndTheAnswerIs202()
    {
        using var response = await PostAsync("orders", NewId(), """{"op":"set","payload":{"a":1}}""", prefer: "wait=soon");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(Header(response, "Preference-Applied"));
    }

    [Fact]
    public async Task PreferWait_Answers202WithRetryAfter_WhenARequiredConsumerIsPaused()
    {
        var id = NewId();
        var key = NewId();
        factory.Consumers.PauseConsumer(ReadModel);
        try
        {
            using var posted = await _client.SendAsync(Intent("orders", id, key, """{"op":"set","payload":{"a":1}}""").WithHeader("Prefer", "wait=1"));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            Assert.Equal("wait=1", Header(posted, "Preference-Applied"));
            Assert.True(int.TryParse(Header(posted, "Retry-After"), out var retryAfter) && retryAfter >= 1, Header(posted, "Retry-After"));
            using (var body = await ReadJsonAsync(posted))
            {
                Assert.Equal("in-progress", body.RootElement.GetProperty("state").GetString());
            }

            using var asked = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{IntentsPath("orders", id)}/{key}").WithHeader("Prefer", "wait=1"));
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
            Assert.NotNull(Header(asked, "Retry-After"));
        }
        finally
        {
            factory.Consumers.ResumeConsumer(ReadModel);
        }

        // Resumed, the consumer catches up and the same question is answered with the final state.
        using var settled = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{IntentsPath("orders", id)}/{key}").WithHeader("Prefer", "wait=10"));
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.Equal("wait=10", Header(settled, "Preference-Applied"));
        using var final = await ReadJsonAsync(settled);
        Assert.Equal("settled", final.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ReadYourWrites_NeverAnswersBelowMinVersion_AlsoWhileTheReadModelIsPaused()
    {
        var id = NewId();
        var sources = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            // A third of the loops run with the read model paused: the read must fall back to the resource itself.
            var paused = i is >= 10 and < 20;
            if (i == 10)
            {
                factory.Consumers.PauseConsumer(ReadModel);
            }

            try
            {
                using var posted = await PostAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
                var token = Header(posted, "X-Consistency-Token")!;
                var written = long.Parse(token, CultureInfo.InvariantCulture);

                // Alternate the two ways of passing the version.
                using var request = i % 2 == 0
                    ? new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}?consistency=read-your-writes&minVersion={token}")
                    : new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/orders/{id}?consistency=read-your-writes").WithHeader("X-Consistency-Token", token);
                using var read = await _client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                using var body = await ReadJsonAsync(read);
                var version = body.RootElement.GetProperty("version").GetInt64();
                Assert.True(version >= written, $"read-your-writes answered version {version} after writing {written}");
                Assert.True(body.RootElement.GetProperty("document").GetProperty("n").GetInt64() >= written);
                Assert.Equal($"\"{version}\"", read.Headers.ETag?.ToString());
                Assert.Equal("read-your-writes", body.RootElement.GetProperty("consistency").GetString());
                var source = body.RootElement.GetProperty("source").GetString()!;
                sources.Add(source);
                if (paused)
                {
                    Assert.Equal("grain", source);
                }
            }
            finally
            {
                if (i == 19)
                {
                    factory.Consumers.ResumeConsumer(ReadModel);
                }
            }
        }

        Assert.Contains("grain", sources);
    }

    [Fact]
    public async Task ReadYourWrites_WithATokenFromTheFuture_Answers412VersionNotReached()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");

        using var read = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}?consistency=read-your-writes&minVersion=99", UriKind.Relative));

        var problem = await AssertProblemAsync(read, HttpStatusCode.PreconditionFailed, "version-not-reached");
        Assert.Equal(1, problem.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Consistency_Unknown_Answers400()
    {
        using var read = await _client.GetAsync(new Uri($"/v1/resources/orders/{NewId()}?consistency=sometimes", UriKind.Relative));
        await AssertProblemAsync(read, HttpStatusCode.BadRequest, "invalid-read");
    }

    [Fact]
    public async Task Eventual_ReportsItsLagTruthfully_AndCatchesUp()
    {
        var id = NewId();
        using (var first = await PostAsync("orders", id, """{"op":"set","payload":{"n":0}}""", prefer: "wait=10"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        string lastKey;
        factory.Consumers.PauseConsumer(ReadModel);
        try
        {
            for (var i = 0; i < 2; i++)
            {
                await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
            }

            lastKey = NewId();
            using (var third = await _client.PostIntentAsync("orders", id, lastKey, """{"op":"increment","payload":{"n":1}}"""))
            {
                Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
            }

            using var behind = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}?consistency=eventual", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, behind.StatusCode);
            using var body = await ReadJsonAsync(behind);
            var root = body.RootElement;
            Assert.Equal("read-model", root.GetProperty("source").GetString());
            Assert.Equal(1, root.GetProperty("version").GetInt64());
            Assert.Equal(1, root.GetProperty("settledVersion").GetInt64());
            Assert.Equal(0, root.GetProperty("document").GetProperty("n").GetInt64());
            Assert.Equal(3, root.GetProperty("lag").GetProperty("versions").GetInt64());
            Assert.True(root.GetProperty("lag").GetProperty("seconds").GetDouble() > 0);
            Assert.Equal("\"1\"", behind.Headers.ETag?.ToString());
            Assert.NotNull(Header(behind, "Age"));
        }
        finally
        {
            factory.Consumers.ResumeConsumer(ReadModel);
        }

        // Settled means the read model has it: after that, eventual is current.
        using (var settled = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{IntentsPath("orders", id)}/{lastKey}").WithHeader("Prefer", "wait=10")))
        {
            Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        }

        using var current = await _client.GetAsync(new Uri($"/v1/resources/orders/{id}?consistency=eventual", UriKind.Relative));
        using var currentBody = await ReadJsonAsync(current);
        Assert.Equal(4, currentBody.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(0, currentBody.RootElement.GetProperty("lag").GetProperty("versions").GetInt64());
        Assert.Equal(0, currentBody.RootElement.GetProperty("lag").GetProperty("seconds").GetDouble());
        Assert.Equal("0", Header(current, "Age"));
    }

    [Fact]
    public async Task List_PagesThroughTheReadModelInIdOrder()
    {
        var type = "l" + NewId();
        var ids = Enumerable.Range(0, 5).Select(i => $"r{i}").ToList();
        foreach (var id in ids)
        {
            using var posted = await PostAsync(type, id, """{"op":"set","payload":{"a":1}}""", prefer: "wait=10");
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var seen = new List<string>();
        var pages = 0;
        string? next = $"/v1/resources/{type}?limit=2";
        while (next is not null)
        {
            using var response = await _client.GetAsync(new Uri(next, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = await ReadJsonAsync(response);
            Assert.Equal("eventual", body.RootElement.GetProperty("consistency").GetString());
            var items = body.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(item => item.GetProperty("id").GetString()!));
            next = body.RootElement.GetProperty("next").GetString();
            Assert.True(++pages <= 3);
        }

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);

        using var bad = await _client.GetAsync(new Uri($"/v1/resources/{type}?limit=zero", UriKind.Relative));
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "invalid-read");
    }

    [Fact]
    public async Task ConsumerRetry_Answers200ForAKnownConsumer_And404ForAnUnknownOne()
    {
        var id = NewId();
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");

        using var known = await _client.PostAsync(new Uri($"/v1/resources/orders/{id}/consumers/read-model/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        using (var body = await ReadJsonAsync(known))
        {
            Assert.Equal(0, body.RootElement.GetProperty("retried").GetInt32());
        }

        using var unknown = await _client.PostAsync(new Uri($"/v1/resources/orders/{id}/consumers/nobody/retry", UriKind.Relative), null);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "consumer-not-found");
    }

    [Fact]
    public async Task Events_ResumeWithLastEventId_DeliversEveryMissingEventOnceInOrder_AndSettledNotices()
    {
        var id = NewId();
        using var timeout = new CancellationTokenSource(Patience);
        for (var i = 0; i < 3; i++)
        {
            await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
        }

        var firstIds = new List<string?>();
        using (var response = await OpenEventsAsync($"/v1/resources/orders/{id}/events?from=0", null, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            var events = await reader.ReadThroughIdAsync(3, timeout.Token);
            firstIds.AddRange(events.Where(e => e.Event == "applied").Select(e => e.Id));

            using var transition = JsonDocument.Parse(events.Last().Data);
            Assert.Equal(3, transition.RootElement.GetProperty("version").GetInt64());
            Assert.Equal(id, transition.RootElement.GetProperty("resourceId").GetString());

            // A change while connected: healthy consumers settle it and the notice comes on the same stream, without an id.
            await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
            ServerSentEvent? settled;
            do
            {
                settled = await reader.ReadAsync(timeout.Token);
                if (settled?.Event == "applied")
                {
                    firstIds.Add(settled.Id);
                }
            }
            while (settled is not null && !(settled.Event == "settled" && JsonDocument.Parse(settled.Data).RootElement.GetProperty("settledVersion").GetInt64() == 4));

            Assert.NotNull(settled);
            Assert.Null(settled.Id);
        }

        Assert.Equal(["1", "2", "3", "4"], firstIds);

        // While disconnected, more changes arrive.
        for (var i = 0; i < 3; i++)
        {
            await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
        }

        using (var resumed = await OpenEventsAsync($"/v1/resources/orders/{id}/events", "4", timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
            using var reader = new EventStreamReader(await resumed.Content.ReadAsStreamAsync(timeout.Token));
            var pending = reader.ReadThroughIdAsync(8, timeout.Token);

            // One more while connected: the replay from the log and the live tail meet without gap or duplicate.
            await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
            var applied = (await pending).Where(e => e.Event == "applied").Select(e => e.Id).ToList();
            Assert.Equal(["5", "6", "7", "8"], applied);
            Assert.DoesNotContain((await pending), e => e.Event == "snapshot");
        }
    }

    [Fact]
    public async Task Events_WithoutResumePoint_StartWithASnapshotThenLiveEvents()
    {
        var id = NewId();
        using var timeout = new CancellationTokenSource(Patience);
        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":1}}""");

        using var response = await OpenEventsAsync($"/v1/resources/orders/{id}/events", null, timeout.Token);
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var snapshot = await reader.ReadAsync(timeout.Token);
        Assert.Equal("snapshot", snapshot?.Event);
        Assert.Null(snapshot!.Id);
        Assert.Equal(1, JsonDocument.Parse(snapshot.Data).RootElement.GetProperty("version").GetInt64());

        await _client.ApplyAsync("orders", id, """{"op":"set","payload":{"a":2}}""");
        var events = await reader.ReadThroughIdAsync(2, timeout.Token);
        Assert.Equal(["2"], events.Where(e => e.Event == "applied").Select(e => e.Id));

        // Idle, the stream sends keep-alive comments (every 0.5 s in this fixture).
        Assert.Equal(": keep-alive", await reader.ReadCommentAsync(timeout.Token));
    }

    [Fact]
    public async Task Events_ResumeFromAPointTheLogNoLongerKeeps_Answers410()
    {
        var id = NewId();
        for (var i = 0; i < 5; i++)
        {
            await _client.ApplyAsync("orders", id, """{"op":"increment","payload":{"n":1}}""");
        }

        await using (var connection = new SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM events WHERE stream_namespace = 'resource/orders' AND stream_key = $id AND version < 4";
            command.Parameters.AddWithValue("$id", id);
            Assert.Equal(3, await command.ExecuteNonQueryAsync());
        }

        using var timeout = new CancellationTokenSource(Patience);
        using var response = await OpenEventsAsync($"/v1/resources/orders/{id}/events", "1", timeout.Token);
        var problem = await AssertProblemAsync(response, HttpStatusCode.Gone, "resume-point-too-old");
        Assert.Equal(4, problem.GetProperty("oldestRetainedVersion").GetInt64());

        // From the oldest kept version on, resuming still works.
        using var fine = await OpenEventsAsync($"/v1/resources/orders/{id}/events", "3", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task TypeEvents_ResumeByLogPosition()
    {
        var type = "t" + NewId();
        using var timeout = new CancellationTokenSource(Patience);
        await _client.ApplyAsync(type, "a", """{"op":"set","payload":{"a":1}}""");
        await _client.ApplyAsync(type, "b", """{"op":"set","payload":{"b":1}}""");

        List<ServerSentEvent> first;
        using (var response = await OpenEventsAsync($"/v1/resources/{type}/events?from=0", null, timeout.Token))
        {
            using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            first = [(await reader.ReadAsync(timeout.Token))!, (await reader.ReadAsync(timeout.Token))!];
        }

        Assert.Equal(["a", "b"], first.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("resourceId").GetString()));
        Assert.True(long.Parse(first[1].Id!, CultureInfo.InvariantCulture) > long.Parse(first[0].Id!, CultureInfo.InvariantCulture));

        await _client.ApplyAsync(type, "c", """{"op":"set","payload":{"c":1}}""");
        using var resumed = await OpenEventsAsync($"/v1/resources/{type}/events", first[1].Id, timeout.Token);
        using var resumedReader = new EventStreamReader(await resumed.Content.ReadAsStreamAsync(timeout.Token));
        var next = await resumedReader.ReadAsync(timeout.Token);
        Assert.Equal("c", JsonDocument.Parse(next!.Data).RootElement.GetProperty("resourceId").GetString());
        Assert.Equal("applied", next.Event);
    }

    private Task<HttpResponseMessage> PostAsync(string type, string id, string json, string? prefer = null)
    {
        var request = Intent(type, id, NewId(), json);
        return _client.SendAsync(prefer is null ? request : request.WithHeader("Prefer", prefer));
    }

    private Task<HttpResponseMessage> OpenEventsAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        request.Headers.Accept.ParseAdd("text/event-stream");
        return _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
