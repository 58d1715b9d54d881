extern alias api;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.HttpBenchmarks;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.SettlementBenchmarks;

/// <summary>
/// Server-Sent Events delivery lag with many open subscribers: the real API (shipped configuration, SQLite) in a child
/// process, subscribers spread over resources, intents at a steady rate; lag = arrival at the subscriber minus the
/// event's <c>occurredAt</c> (same machine clock), so it includes the commit.
/// </summary>
internal static class SseLagBenchmark
{
    private const int Resources = 100;

    public static async Task<MarkdownTable> RunAsync(int subscribers, int rate, TimeSpan duration)
    {
        var directory = Directory.CreateTempSubdirectory("oc-bench-sse-").FullName;
        await using var server = await SqliteApiServer.StartAsync(directory, TimeSpan.FromSeconds(60));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = server.Address, Timeout = Timeout.InfiniteTimeSpan };
        http.Authorize(); // the API's bootstrap key (SqliteApiServer)

        var lag = new LatencyRecorder();
        var delivered = 0L;
        using var stop = new CancellationTokenSource();
        var connected = 0;
        var readers = Enumerable.Range(0, subscribers).Select(i => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/sse/r{i % Resources}/events");
            request.Headers.Add("Last-Event-ID", "0");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref connected);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            var applied = false;
            while (!stop.IsCancellationRequested && await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    applied = line == "event: applied";
                }
                else if (applied && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var occurredAt = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("occurredAt").GetDateTimeOffset();
                    var latency = DateTimeOffset.UtcNow - occurredAt;
                    lock (lag)
                    {
                        lag.Record(latency < TimeSpan.Zero ? TimeSpan.Zero : latency);
                    }

                    Interlocked.Increment(ref delivered);
                    applied = false;
                }
            }
        })).ToArray();

        using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (Volatile.Read(ref connected) < subscribers)
            {
                await Task.Delay(50, connecting.Token);
            }
        }

        // Subscriptions register as the responses start; give the last of them a moment before the load begins.
        await Task.Delay(500);
        var sent = 0;
        var begin = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(begin) < duration)
        {
            var due = begin + (long)(sent / (double)rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            using var post = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/sse/r{sent % Resources}/intents")
            {
                Content = new StringContent("""{"op":"increment","payload":{"n":1}}""", Encoding.UTF8, "application/json"),
            };
            post.Headers.Add("Idempotency-Key", $"sse-{sent}");
            using var answer = await http.SendAsync(post);
            answer.EnsureSuccessStatusCode();
            sent++;
        }

        var expected = (long)sent * (subscribers / Resources);
        using (var draining = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Interlocked.Read(ref delivered) < expected && !draining.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        return new MarkdownTable("Open subscribers", "Intents", "Deliveries (expected)", "Lag p50 (ms)", "p99 (ms)", "max (ms)")
            .AddRow(
                subscribers.ToString("N0", CultureInfo.InvariantCulture),
                sent.ToString("N0", CultureInfo.InvariantCulture),
                $"{Interlocked.Read(ref delivered).ToString("N0", CultureInfo.InvariantCulture)} ({expected.ToString("N0", CultureInfo.InvariantCulture)})",
                lag.Percentile(50).TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture),
                lag.Percentile(99).TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture),
                lag.Max.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture));
    }
}
