using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;

namespace OrleansConsistency.Api.Tests.Durability;

/// <summary>
/// Three silo processes and the API (a pure cluster client) on PostgreSQL. Many clients send intents with retries;
/// one silo is killed with SIGKILL mid-run and later started again. Afterwards every acknowledged intent is applied
/// exactly once, versions are gapless, every consumer caught up and every intent settled.
/// </summary>
[Collection(ProcessKillCollection.Name)]
public sealed class ClusterKillTests(ITestOutputHelper output)
{
    private const int Clients = 16;
    private const int Resources = 24;
    private const int AcknowledgedPerPhase = 200;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillingASiloMidLoad_LosesNoAcknowledgedIntent_AndTheClusterRecovers()
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-cluster-").FullName;
        var connectionString = await (await PostgresServer.StartAsync()).CreateDatabaseAsync("clusterkill");
        var environment = new Dictionary<string, string>
        {
            ["Silo__Storage__Provider"] = "postgresql",
            ["Silo__Storage__ConnectionString"] = connectionString,
            ["Silo__Cluster__Enabled"] = "true",

            // Orleans' failure detection, tuned as measured in ORLEANS.md §3.1 (about 1.6 s from SIGKILL to served
            // again on this machine; Orleans' defaults take about 12 s).
            ["Silo__Cluster__Membership__ProbeTimeout"] = "00:00:01",
            ["Silo__Cluster__Membership__NumMissedProbesLimit"] = "2",
            ["Silo__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
            ["Silo__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
            ["Silo__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
            ["Resources__ConsumerSweepInterval"] = "00:00:02",

            // When the cluster does not recover, the processes' output (written below) says when what happened.
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__LogLevel__Orleans.Messaging"] = "Information",
        };

        var silos = new SiloProcess?[3];
        var acknowledged = new ConcurrentBag<(string Resource, string Key, long Version, long AtTicks)>();
        var clock = Stopwatch.StartNew();
        ApiProcess? apiProcess = null;

        // Cancelled however the test ends, so that no client outlives it.
        using var stop = new CancellationTokenSource(Bound);
        try
        {
            // The first silo creates the schema; the others join it.
            silos[0] = await SiloProcess.StartAsync("silo-1", environment, directory, StartTimeout);
            var rest = await Task.WhenAll(SiloProcess.StartAsync("silo-2", environment, directory, StartTimeout), SiloProcess.StartAsync("silo-3", environment, directory, StartTimeout));
            (silos[1], silos[2]) = (rest[0], rest[1]);
            await using var api = apiProcess = await ApiProcess.StartAsync(
                "postgresql",
                connectionString,
                directory,
                StartTimeout,
                new Dictionary<string, string>(environment) { ["Silo__Cluster__ClientOnly"] = "true" });
            using var http = TestApiKeys.ClientFor(api.Address, TimeSpan.FromSeconds(15));

            var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var resource = $"r{(client + n) % Resources}";
                    var key = $"c{client}-{n}";
                    if (await SendUntilAcknowledgedAsync(http, resource, key, stop.Token) is { } version)
                    {
                        acknowledged.Add((resource, key, version, clock.ElapsedTicks));
                    }
                }
            })).ToArray();

            // A client that met a broken promise has stopped: fail with its reason rather than wait out the bound.
            bool Running(Func<bool> condition) => clients.FirstOrDefault(c => c.IsFaulted) is { } failed ? throw failed.Exception!.InnerException! : condition();

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: cluster and API up");
            await WaitForAsync(() => Running(() => acknowledged.Count >= AcknowledgedPerPhase), "the first acknowledgements");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {acknowledged.Count} acknowledged, killing silo-2");
            await silos[1]!.KillAsync();
            var killedAt = clock.ElapsedTicks;

            // Recovery: every resource (including those the killed silo owned) acknowledged again after the kill.
            await WaitForAsync(
                () => Running(() => Enumerable.Range(0, Resources).All(r => acknowledged.Any(a => a.Resource == $"r{r}" && a.AtTicks > killedAt))),
                "every resource to be served again after the kill");
            var recovery = Enumerable.Range(0, Resources)
                .Select(r => acknowledged.Where(a => a.Resource == $"r{r}" && a.AtTicks > killedAt).Min(a => a.AtTicks) - killedAt)
                .Max();
            output.WriteLine($"time until the killed silo's grains were served again: {TimeSpan.FromTicks(recovery * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalSeconds:F2} s (death timeout 3 s)");

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: recovered, restarting silo-2");
            var beforeRestart = acknowledged.Count;
            silos[1] = await SiloProcess.StartAsync("silo-2", environment, directory, StartTimeout);
            await WaitForAsync(() => Running(() => acknowledged.Count >= beforeRestart + AcknowledgedPerPhase), "acknowledgements after the restart");
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: load stopped, {acknowledged.Count} intents acknowledged");

            await VerifyStorageAsync(connectionString, acknowledged.Select(a => (a.Resource, a.Key, a.Version)).ToList());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: storage verified");
            await VerifySettledAsync(http, acknowledged.Select(a => (a.Resource, a.Key)).ToList());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: all settled");
        }
        catch
        {
            // What the processes said is the first thing to read when the cluster did not recover.
            for (var i = 0; i < silos.Length; i++)
            {
                output.WriteLine($"--- silo-{i + 1} (last lines) ---\n{Tail(silos[i]?.Output)}");
            }

            output.WriteLine($"--- API (last lines) ---\n{Tail(apiProcess?.Output)}");
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    private static string Tail(string? text, int lines = 80) =>
        text is null ? "(not started)" : string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>Sends one intent, retrying with the same key on 503s and lost answers; its version, or null when the run stops first.</summary>
    private static async Task<long?> SendUntilAcknowledgedAsync(HttpClient http, string resource, string key, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/cluster/{resource}/intents")
                {
                    Content = new StringContent("""{"op":"increment","payload":{"n":1}}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await http.SendAsync(request, stop);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                {
                    var status = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
                    return status.GetProperty("version").GetInt64();
                }

                // Anything but "unavailable, try again" is a broken promise; its body says which one.
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Fail($"{resource} {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                // Outcome unknown: the same key again learns it, and is never applied twice.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return null;
    }

    private static async Task VerifyStorageAsync(string connectionString, List<(string Resource, string Key, long Version)> acknowledged)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var events = new Dictionary<(string Resource, long Version), string>();
        await using (var command = new NpgsqlCommand("SELECT stream_key, version, intent_key FROM events WHERE stream_namespace = 'resource/cluster'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetString(0), reader.GetInt64(1)), reader.GetString(2));
            }
        }

        foreach (var (resource, key, version) in acknowledged)
        {
            Assert.True(events.TryGetValue((resource, version), out var eventKey), $"{resource} v{version} ({key}) was acknowledged but has no event");
            Assert.Equal(key, eventKey);
        }

        foreach (var resource in events.Keys.Select(k => k.Resource).Distinct())
        {
            var versions = events.Keys.Where(k => k.Resource == resource).Select(k => k.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
            var keys = events.Where(e => e.Key.Resource == resource).Select(e => e.Value).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count()); // no intent applied twice
        }
    }

    /// <summary>Every resource's document counts each applied intent once, the read model caught up, and every acknowledged intent settled.</summary>
    private static async Task VerifySettledAsync(HttpClient http, List<(string Resource, string Key)> acknowledged)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Clients };
        await Parallel.ForEachAsync(acknowledged.Select(a => a.Resource).Distinct(), parallel, async (resource, _) =>
        {
            await WaitForAsync(
                async () =>
                {
                    var strong = await http.GetFromJsonAsync<JsonElement>($"/v1/resources/cluster/{resource}");
                    var eventual = await http.GetFromJsonAsync<JsonElement>($"/v1/resources/cluster/{resource}?consistency=eventual");
                    var version = strong.GetProperty("version").GetInt64();
                    Assert.Equal(version, strong.GetProperty("document").GetProperty("n").GetInt64());
                    return strong.GetProperty("settledVersion").GetInt64() == version
                        && eventual.GetProperty("source").GetString() == "read-model"
                        && eventual.GetProperty("version").GetInt64() == version;
                },
                $"{resource} to be settled and projected");
        });

        await Parallel.ForEachAsync(acknowledged, parallel, async (intent, token) =>
        {
            var status = await http.GetFromJsonAsync<JsonElement>($"/v1/resources/cluster/{intent.Resource}/intents/{intent.Key}", token);
            Assert.Equal("settled", status.GetProperty("state").GetString());
        });
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var limit = new CancellationTokenSource(Bound);
        while (!await condition())
        {
            try
            {
                await Task.Delay(100, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Bound.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s for {what}.");
            }
        }
    }
}
