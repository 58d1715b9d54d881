extern alias api;
using System.CommandLine;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.HttpBenchmarks;
using OrleansConsistency.Bench.SettlementBenchmarks;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.SseBenchmarks;

/// <summary>
/// Server-Sent Events at scale: the real API (co-hosted silo, SQLite, shipped configuration) in a child process,
/// <c>--subscribers 10000</c> open <c>GET /v1/resources/sse/{id}/events</c> streams (one HTTP/1.1 connection each)
/// spread over <c>--resources 1000</c>, while <c>--rate 100</c> intents/s are posted for <c>--duration 30</c> seconds
/// (open loop). Every subscriber checks that it got each version of its resource exactly once; lag is arrival minus the
/// event's <c>occurredAt</c> (one machine clock), so it includes the commit; memory is the API process's before and
/// after opening the subscribers. <c>--open-concurrency 200</c> bounds how many subscribe requests are in flight.
/// </summary>
public static class SseSuite
{
    private static readonly Option<string> Subscribers = BenchOptions.Text("subscribers", "10000", "Open event streams.");

    private static readonly Option<string> Resources = BenchOptions.Text("resources", "1000", "Resources the streams follow.");

    private static readonly Option<string> Rate = BenchOptions.Text("rate", "100", "Intents per second while the streams are open.");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured (default 30).");

    private static readonly Option<string> OpenConcurrency = BenchOptions.Text("open-concurrency", "200", "Streams being opened at once.");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [Subscribers, Resources, Rate, Duration, OpenConcurrency];

    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var subscribers = int.Parse(arguments.GetValue(Subscribers)!, CultureInfo.InvariantCulture);
        var resources = int.Parse(arguments.GetValue(Resources)!, CultureInfo.InvariantCulture);
        var rate = int.Parse(arguments.GetValue(Rate)!, CultureInfo.InvariantCulture);
        var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(30);
        var openConcurrency = int.Parse(arguments.GetValue(OpenConcurrency)!, CultureInfo.InvariantCulture);
        var counters = ProcessMemory.FindCounters();

        var directory = Directory.CreateTempSubdirectory("oc-bench-sse-").FullName;
        await using var server = await SqliteApiServer.StartAsync(directory, TimeSpan.FromSeconds(120));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            // HTTP/1.1 Server-Sent Events hold one connection each: no pool limit, and no recycling under a stream.
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        })
        { BaseAddress = server.Address, Timeout = Timeout.InfiniteTimeSpan };
        http.Authorize(); // the API's bootstrap key (SqliteApiServer): on the POSTs and the event streams alike

        // Warm the API's request path (JIT, first grain activations, first stream subscription) before the baseline.
        for (var i = 0; i < 20; i++)
        {
            using var warm = await PostAsync(http, $"warm{i % 5}", $"warm-{i}");
            warm.EnsureSuccessStatusCode();
        }

        var idleCpuBefore = server.CpuTime;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idleCpuPercent = (server.CpuTime - idleCpuBefore).TotalMilliseconds / 30;
        var rssBefore = ProcessMemory.ResidentBytes(server.ProcessId);
        var heapBefore = await ProcessMemory.ManagedHeapBytesAsync(counters, server.ProcessId);

        var subscriptions = Enumerable.Range(0, subscribers).Select(i => new Subscriber(i % resources)).ToArray();
        var lag = new LatencyRecorder();
        using var stop = new CancellationTokenSource();
        using var gate = new SemaphoreSlim(openConcurrency);
        var connected = 0;
        var failedToOpen = 0;
        var openStarted = Stopwatch.GetTimestamp();
        var readers = subscriptions.Select(subscriber => Task.Run(async () =>
        {
            HttpResponseMessage response;
            await gate.WaitAsync(stop.Token);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/sse/r{subscriber.Resource}/events");
                request.Headers.Add("Last-Event-ID", "0");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref connected);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref failedToOpen);
                throw;
            }
            finally
            {
                gate.Release();
            }

            using (response)
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                long? id = null;
                var applied = false;
                while (!stop.IsCancellationRequested && await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        (id, applied) = (null, false);
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        id = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        applied = line == "event: applied";
                    }
                    else if (applied && id is { } version && line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        using var data = JsonDocument.Parse(line.AsMemory("data: ".Length));
                        var latency = DateTimeOffset.UtcNow - data.RootElement.GetProperty("occurredAt").GetDateTimeOffset();
                        lock (lag)
                        {
                            lag.Record(latency < TimeSpan.Zero ? TimeSpan.Zero : latency);
                        }

                        subscriber.Receive(version);
                    }
                }
            }
        })).ToArray();

        using (var opening = new CancellationTokenSource(TimeSpan.FromSeconds(300)))
        {
            while (Volatile.Read(ref connected) + Volatile.Read(ref failedToOpen) < subscribers && !opening.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }

        var openTime = Stopwatch.GetElapsedTime(openStarted);

        // The last subscriptions register as their responses start; let the server settle before measuring memory.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssAfter = ProcessMemory.ResidentBytes(server.ProcessId);
        var heapAfter = await ProcessMemory.ManagedHeapBytesAsync(counters, server.ProcessId);
        var loadAtStart = File.ReadAllText("/proc/loadavg").Trim();

        var accepted = new int[resources];
        var postFailures = 0;
        var posts = new List<Task>();
        var sent = 0;
        var cpuBefore = server.CpuTime;
        var begin = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(begin) < duration)
        {
            var due = begin + (long)(sent / (double)rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var resource = sent % resources;
            var key = $"sse-{sent}";
            sent++;
            posts.Add(Task.Run(async () =>
            {
                try
                {
                    using var answer = await PostAsync(http, $"r{resource}", key);
                    answer.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref accepted[resource]);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref postFailures);
                }
            }));
        }

        await Task.WhenAll(posts);
        var cpuDuringLoad = server.CpuTime - cpuBefore;
        var loadAtEnd = File.ReadAllText("/proc/loadavg").Trim();
        long Expected() => subscriptions.Sum(s => (long)accepted[s.Resource]);
        long Received() => subscriptions.Sum(s => s.DistinctCount);
        using (var draining = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Received() < Expected() && !draining.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // Late duplicates, if any, would arrive now.
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var expected = Expected();
        var missing = subscriptions.Sum(s => s.Missing(accepted[s.Resource]));
        var duplicates = subscriptions.Sum(s => s.Duplicates);
        var unexpected = subscriptions.Sum(s => s.Unexpected(accepted[s.Resource]));
        var incomplete = subscriptions.Count(s => s.Missing(accepted[s.Resource]) > 0);
        Directory.Delete(directory, recursive: true);

        await output.WriteLineAsync($"The API process (co-hosted silo, SQLite, shipped configuration) on loopback; {subscribers:N0} subscribers ({subscribers / resources} on each of {resources:N0} resources, `Last-Event-ID: 0`, one HTTP/1.1 connection each, at most {openConcurrency} opening at once), then {rate} intents/s (`increment`, open loop) for {duration.TotalSeconds:F0} s. Lag = arrival at the subscriber − the event's `occurredAt`. Memory: the API process, after warm-up and before opening the subscribers, against after opening them (before the load); managed heap = `dotnet.gc.last_collection.heap.size` via dotnet-counters{(counters is null ? " (not installed: not measured)" : "")}.");
        await output.WriteLineAsync();
        await output.WriteLineAsync(new MarkdownTable("Subscribers open (asked)", "Open time (s)", "Intents accepted (sent)", "Deliveries received (expected)", "Missing", "Duplicates", "Subscribers missing any", "Lag p50 (ms)", "p99 (ms)", "max (ms)", "API CPU µs/intent")
            .AddRow(
                $"{connected:N0} ({subscribers:N0})",
                openTime.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture),
                $"{accepted.Sum():N0} ({sent:N0})",
                $"{Received():N0} ({expected:N0})",
                missing.ToString("N0", CultureInfo.InvariantCulture),
                (duplicates + unexpected).ToString("N0", CultureInfo.InvariantCulture),
                incomplete.ToString("N0", CultureInfo.InvariantCulture),
                Ms(lag.Percentile(50)),
                Ms(lag.Percentile(99)),
                Ms(lag.Max),
                (cpuDuringLoad.TotalMicroseconds / Math.Max(1, accepted.Sum())).ToString("N0", CultureInfo.InvariantCulture))
            .ToString());
        await output.WriteLineAsync();
        await output.WriteLineAsync(new MarkdownTable("API memory", "Before (MiB)", "After (MiB)", "Per subscriber (KiB)")
            .AddRow("Working set (VmRSS)", Mib(rssBefore), Mib(rssAfter), Kib((rssAfter - rssBefore) / (double)Math.Max(1, connected)))
            .AddRow(
                "Managed heap after last GC",
                heapBefore is { } hb ? Mib(hb) : "–",
                heapAfter is { } ha ? Mib(ha) : "–",
                heapBefore is { } b && heapAfter is { } a ? Kib((a - b) / (double)Math.Max(1, connected)) : "–")
            .ToString());
        await output.WriteLineAsync();
        await output.WriteLineAsync($"API idle CPU (3 s after warm-up, no subscribers, no load): {idleCpuPercent:N0} % of a core.");
        await output.WriteLineAsync($"POST failures: {postFailures}; subscribers that failed to open: {failedToOpen}. Load average (1, 5, 15 min, running/total, last pid) when the load started: {loadAtStart}; when it ended: {loadAtEnd}.");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string id, string idempotencyKey)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/sse/{id}/intents")
        {
            Content = new StringContent("""{"op":"increment","payload":{"n":1}}""", Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendAndDisposeRequestAsync(http, post);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await http.SendAsync(request);
        }
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture);

    private static string Kib(double bytes) => (bytes / 1024).ToString("N1", CultureInfo.InvariantCulture);

    /// <summary>What one subscriber got: each version once, counted; anything seen again is a duplicate.</summary>
    private sealed class Subscriber(int resource)
    {
        private readonly HashSet<long> _versions = [];
        private int _duplicates;

        public int Resource => resource;

        public int Duplicates
        {
            get
            {
                lock (_versions)
                {
                    return _duplicates;
                }
            }
        }

        public long DistinctCount
        {
            get
            {
                lock (_versions)
                {
                    return _versions.Count;
                }
            }
        }

        public void Receive(long version)
        {
            lock (_versions)
            {
                if (!_versions.Add(version))
                {
                    _duplicates++;
                }
            }
        }

        /// <summary>Versions 1..<paramref name="accepted"/> not received (the resource is new, one version per intent).</summary>
        public long Missing(int accepted)
        {
            lock (_versions)
            {
                return Enumerable.Range(1, accepted).Count(v => !_versions.Contains(v));
            }
        }

        /// <summary>Versions received that no accepted intent made.</summary>
        public long Unexpected(int accepted)
        {
            lock (_versions)
            {
                return _versions.Count(v => v < 1 || v > accepted);
            }
        }
    }
}
