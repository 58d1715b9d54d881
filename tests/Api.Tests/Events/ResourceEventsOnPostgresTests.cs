using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using OrleansConsistency.Api.Tests.Settlement;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Events;

/// <summary>
/// Server-Sent Events over HTTP on PostgreSQL, under load: many subscribers at once, resuming while intents commit,
/// and a resume point the log no longer keeps. Ids are versions (per resource) or log positions (per type).
/// </summary>
[Collection(PostgresApiCollection.Name)]
public sealed class ResourceEventsOnPostgresTests(PostgresApiFactory factory)
{
    private const string Increment = """{"op":"increment","payload":{"n":1}}""";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ResourceEvents_ThousandIntentsOverTwentyResources_EverySubscriberGetsEachVersionOnceInOrder()
    {
        const int Resources = 20;
        const int PerResource = 50;
        var type = "s" + NewId()[..12];
        var ids = Enumerable.Range(0, Resources).Select(i => $"r{i}").ToList();
        using var timeout = new CancellationTokenSource(Patience);

        // Every subscriber is connected before the first intent (from=0: the resources do not exist yet), and one more
        // follows the whole type.
        var responses = new List<HttpResponseMessage>();
        var readers = new List<EventStreamReader>();
        try
        {
            foreach (var id in ids)
            {
                var response = await OpenEventsAsync($"/v1/resources/{type}/{id}/events?from=0", null, timeout.Token);
                responses.Add(response);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                readers.Add(new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)));
            }

            var typeResponse = await OpenEventsAsync($"/v1/resources/{type}/events?from=0", null, timeout.Token);
            responses.Add(typeResponse);
            Assert.Equal(HttpStatusCode.OK, typeResponse.StatusCode);
            var typeReader = new EventStreamReader(await typeResponse.Content.ReadAsStreamAsync(timeout.Token));
            readers.Add(typeReader);

            var perResource = ids.Select((id, i) => ReadResourceAsync(readers[i], id, PerResource, timeout.Token)).ToList();
            var wholeType = ReadTypeAsync(typeReader, Resources * PerResource, timeout.Token);

            // 1,000 intents, interleaved over the resources, 16 in flight at a time.
            await Parallel.ForEachAsync(
                Enumerable.Range(0, Resources * PerResource).Select(i => ids[i % Resources]),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = timeout.Token },
                async (id, _) => await _client.ApplyAsync(type, id, Increment));

            var expected = Enumerable.Range(1, PerResource).Select(v => (long)v).ToList();
            for (var i = 0; i < Resources; i++)
            {
                Assert.Equal(expected, await perResource[i]);
            }

            var typeEvents = await wholeType;
            Assert.Equal(Resources * PerResource, typeEvents.Select(e => (e.Resource, e.Version)).Distinct().Count());
            Assert.True(typeEvents.Zip(typeEvents.Skip(1)).All(p => p.First.Position < p.Second.Position), "type stream ids must increase");
            foreach (var id in ids)
            {
                Assert.Equal(expected, typeEvents.Where(e => e.Resource == id).Select(e => e.Version).ToList());
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }

            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task ResourceEvents_ResumeWithLastEventIdWhileIntentsCommit_DeliversTheRestOnceInOrderThenLive()
    {
        const int Before = 200;
        const int During = 100;
        const int ResumeAfter = 50;
        var id = NewId();
        using var timeout = new CancellationTokenSource(Patience);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Before),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token },
            async (_, _) => await _client.ApplyAsync("ledger", id, Increment));

        // More intents commit while the stream reads the log from the resume point and joins the live tail.
        var committing = Task.Run(
            async () =>
            {
                for (var i = 0; i < During; i++)
                {
                    await _client.ApplyAsync("ledger", id, Increment);
                }
            },
            timeout.Token);

        using var response = await OpenEventsAsync($"/v1/resources/ledger/{id}/events", ResumeAfter.ToString(CultureInfo.InvariantCulture), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var caughtUp = await ReadResourceAsync(reader, id, Before + During, timeout.Token, firstVersion: ResumeAfter + 1);
        await committing;
        Assert.Equal(Enumerable.Range(ResumeAfter + 1, Before + During - ResumeAfter).Select(v => (long)v).ToList(), caughtUp);

        // Then live: the next commit is the next event.
        await _client.ApplyAsync("ledger", id, Increment);
        Assert.Equal([(long)Before + During + 1], await ReadResourceAsync(reader, id, Before + During + 1, timeout.Token, firstVersion: Before + During + 1));
    }

    [Fact]
    public async Task ResourceEvents_ResumeFromAPointTheLogNoLongerKeeps_Answers410ResumePointTooOld()
    {
        var id = NewId();
        for (var i = 0; i < 5; i++)
        {
            await _client.ApplyAsync("ledger", id, Increment);
        }

        await using (var connection = new NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("DELETE FROM events WHERE stream_namespace = 'resource/ledger' AND stream_key = @id AND version < 4", connection);
            command.Parameters.AddWithValue("id", id);
            Assert.Equal(3, await command.ExecuteNonQueryAsync());
        }

        using var timeout = new CancellationTokenSource(Patience);
        using (var response = await OpenEventsAsync($"/v1/resources/ledger/{id}/events", "1", timeout.Token))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Gone, "resume-point-too-old");
            Assert.Equal(1, problem.GetProperty("lastEventId").GetInt64());
            Assert.Equal(4, problem.GetProperty("oldestRetainedVersion").GetInt64());
        }

        // From the oldest kept version on, resuming still works and delivers what is kept.
        using var fine = await OpenEventsAsync($"/v1/resources/ledger/{id}/events", "3", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        using var reader = new EventStreamReader(await fine.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal([4L, 5L], await ReadResourceAsync(reader, id, 5, timeout.Token, firstVersion: 4));
    }

    /// <summary>
    /// Reads a resource's stream through version <paramref name="last"/>; returns the applied versions in the order
    /// received, after checking that each event's data is that version of that resource, and that no settled notice
    /// comes before the applied event of its version.
    /// </summary>
    private static async Task<List<long>> ReadResourceAsync(EventStreamReader reader, string id, long last, CancellationToken cancellationToken, long firstVersion = 1)
    {
        var versions = new List<long>();
        var lastApplied = firstVersion - 1;
        while (versions.Count == 0 || versions[^1] < last)
        {
            var next = await reader.ReadAsync(cancellationToken) ?? throw new InvalidOperationException($"The stream of {id} ended after {string.Join(",", versions)}.");
            using var data = JsonDocument.Parse(next.Data);
            if (next.Event == "settled")
            {
                var settled = data.RootElement.GetProperty("settledVersion").GetInt64();
                Assert.True(settled <= lastApplied, $"settled {settled} came before applied {settled} on {id}");
                continue;
            }

            Assert.Equal("applied", next.Event);
            var version = long.Parse(next.Id!, CultureInfo.InvariantCulture);
            Assert.Equal(version, data.RootElement.GetProperty("version").GetInt64());
            Assert.Equal(id, data.RootElement.GetProperty("resourceId").GetString());
            versions.Add(version);
            lastApplied = version;
        }

        return versions;
    }

    /// <summary>Reads a type's stream until <paramref name="count"/> applied events; returns them as received.</summary>
    private static async Task<List<(long Position, string Resource, long Version)>> ReadTypeAsync(EventStreamReader reader, int count, CancellationToken cancellationToken)
    {
        var events = new List<(long Position, string Resource, long Version)>();
        while (events.Count < count)
        {
            var next = await reader.ReadAsync(cancellationToken) ?? throw new InvalidOperationException($"The type stream ended after {events.Count} events.");
            Assert.Equal("applied", next.Event);
            using var data = JsonDocument.Parse(next.Data);
            events.Add((long.Parse(next.Id!, CultureInfo.InvariantCulture), data.RootElement.GetProperty("resourceId").GetString()!, data.RootElement.GetProperty("version").GetInt64()));
        }

        return events;
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
