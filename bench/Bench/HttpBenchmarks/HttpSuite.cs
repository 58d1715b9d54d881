extern alias api;
using System.CommandLine;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// Intents accepted per second over HTTP on loopback: the real API (a child process) next to a plain endpoint that
/// does one transaction per request (also a child process). Options: <c>--db sqlite|postgresql|all</c>,
/// <c>--duration</c>, <c>--warmup</c> and <c>--max-warmup</c> (seconds per case, see <see cref="SteadyStateWarmUp"/>),
/// <c>--clients 1,16,64,256</c>, <c>--api default,bare</c>
/// (also <c>read-model</c>, <c>bare-no-dashboard</c>, <c>bare-dashboard-watched</c>), <c>--load wrk|builtin</c> (wrk when it is installed), <c>--rounds 1</c> (more: the
/// servers' measured windows alternate, see <see cref="MeasureAsync"/>).
/// </summary>
public static class HttpSuite
{
    private static readonly Option<TimeSpan?> WarmUp = BenchOptions.Seconds("warmup", "Seconds of steady load before measuring (default 10).");

    private static readonly Option<TimeSpan?> MaxWarmUp = BenchOptions.Seconds("max-warmup", "Longest warm-up while throughput is not yet steady (default 60).");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured per case (default 10).");

    private static readonly Option<string> Load = BenchOptions.Text("load", "wrk", "Load generator: wrk or builtin.");

    private static readonly Option<string> Rounds = BenchOptions.Text("rounds", "1", "Rounds of every case.");

    private static readonly Option<string> Db = BenchOptions.Text("db", "all", "Databases: sqlite, postgresql or all.");

    private static readonly Option<string> Clients = BenchOptions.Text("clients", "1,16,64,256", "Concurrent connections per case, comma-separated.");

    private static readonly Option<string> Api = BenchOptions.Text("api", "default,bare", "API configurations, comma-separated: default, bare, read-model, bare-no-dashboard, bare-dashboard-watched.");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [WarmUp, MaxWarmUp, Duration, Load, Rounds, Db, Clients, Api];

    private const string ResourceType = "bench";
    private const int PrewarmConcurrency = 16;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan IdleWaitLimit = TimeSpan.FromSeconds(30);

    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var warmUp = new SteadyStateWarmUp(arguments.GetValue(WarmUp) ?? TimeSpan.FromSeconds(10), arguments.GetValue(MaxWarmUp) ?? TimeSpan.FromSeconds(60));
        var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(10);
        var wrk = arguments.GetValue(Load)!.ToLowerInvariant() switch
        {
            "wrk" => WrkLoad.Find(),
            "builtin" => null,
            var other => throw new ArgumentException($"--load: unknown '{other}'; use wrk or builtin.", nameof(arguments)),
        };
        var rounds = int.Parse(arguments.GetValue(Rounds)!, CultureInfo.InvariantCulture);
        if (rounds < 1)
        {
            throw new ArgumentException("--rounds: at least 1.", nameof(arguments));
        }

        var which = arguments.GetValue(Db)!.ToLowerInvariant();
        var clients = arguments.GetValue(Clients)!.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var apiOptions = arguments.GetValue(Api)!.Split(',');
        var kinds = apiOptions
            .Select(o => HttpServerKind.ApiKinds.FirstOrDefault(k => k.Option == o) ?? throw new ArgumentException($"--api: unknown '{o}'; use default, bare, read-model, bare-no-dashboard or bare-dashboard-watched.", nameof(arguments)))
            .Append(HttpServerKind.Plain)
            .ToList();

        var directory = Path.Combine(Path.GetTempPath(), $"oc-bench-http-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(directory);
        try
        {
            var bareRoot = WriteBareConfiguration(directory);
            var databases = new List<BenchDatabase>();
            if (which is "all" or "sqlite")
            {
                databases.Add(RuntimeSuite.Sqlite(directory));
            }

            if (which is "all" or "postgresql" or "postgres")
            {
                try
                {
                    databases.Add(await RuntimeSuite.PostgresAsync());
                }
                catch (InvalidOperationException exception)
                {
                    await output.WriteLineAsync($"PostgreSQL skipped: {exception.Message}");
                    await output.WriteLineAsync();
                }
            }

            var table = new MarkdownTable("Database", "Server", "Clients:", "Accepted/s:", "p50 ms:", "p99 ms:", "Max ms:", "Least-served client %:", "Errors:", "Server CPU µs/accepted:", "API ÷ plain:");
            var notes = new List<string>();
            foreach (var database in databases)
            {
                var results = await MeasureAsync(database, kinds, bareRoot, directory, clients, warmUp, duration, rounds, wrk, notes);
                foreach (var kind in kinds)
                {
                    for (var i = 0; i < clients.Length; i++)
                    {
                        var result = results[kind][i];
                        var plain = results[HttpServerKind.Plain][i];
                        table.AddRow(
                            database.Name,
                            kind.Name,
                            result.Clients.ToString(CultureInfo.InvariantCulture),
                            result.AcceptedPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                            Millis(result.P50),
                            Millis(result.P99),
                            Millis(result.Max),
                            result.LeastServedPercent is { } least ? least.ToString("0", CultureInfo.InvariantCulture) : "-",
                            result.Errors.ToString(CultureInfo.InvariantCulture),
                            result.ServerCpuPerAccepted is { } cpu ? cpu.TotalMicroseconds.ToString("N0", CultureInfo.InvariantCulture) : "-",
                            kind.IsApi && plain.AcceptedPerSecond > 0
                                ? (result.AcceptedPerSecond / plain.AcceptedPerSecond).ToString("0.00", CultureInfo.InvariantCulture) + "x"
                                : "-");
                    }
                }
            }

            await output.WriteLineAsync("### HTTP: intents accepted per second");
            await output.WriteLineAsync();
            await output.WriteLineAsync(
                $"Each case: {clients.Length} client counts per server in a row, each with {warmUp.Description}, then {MeasurementDescription(rounds, duration)}; closed loop " +
                $"of HTTP/1.1 clients on loopback ({LoadDescription(wrk)}), each POSTing `{{\"op\":\"increment\",\"payload\":{{\"n\":1}}}}` with a new Idempotency-Key to a random one of " +
                $"{IntentLoad.Resources:N0} resources of type `{ResourceType}`. Each server is a child process with a fresh database; before its cases, " +
                $"one intent to each resource ({PrewarmConcurrency} at a time), so all exist (and are activated, in the API).");
            await output.WriteLineAsync();
            foreach (var database in databases)
            {
                await output.WriteLineAsync($"- {database.Name}: {database.Setup}");
            }

            foreach (var kind in kinds)
            {
                await output.WriteLineAsync($"- {kind.Name}: {kind.Note}.");
            }

            await output.WriteLineAsync("- Accepted: `202` from the API, `200`/`201` from plain; any other answer (or a failed request) is an error. " +
                "p50/p99/max: every request that overlapped the window, errors included (with wrk: its latency distribution and maximum of the window). Least-served client: the fewest answers one client got in the window as a share of the mean (100 = fair); only with `--load builtin`, since wrk reports no per-connection counts. " +
                "Server CPU µs/accepted: CPU time of the server's process (user and kernel) in the measured window over its accepted answers; " +
                "not the load generator's, nor, on PostgreSQL, the database server's. API ÷ plain: accepted/s over plain's at the same database and clients.");
            foreach (var note in notes)
            {
                await output.WriteLineAsync($"- {note}");
            }

            await output.WriteLineAsync();
            await output.WriteAsync(table.ToString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Measures every server at every client count. One round: one server at a time, alone on the machine. More: all of
    /// a database's servers run at once and their measured windows alternate, each server's result being its window
    /// with the median accepted/s, so that the host's changes from minute to minute (a shared VM's steal time) fall on
    /// every server alike instead of on whichever ran then.
    /// </summary>
    private static async Task<Dictionary<HttpServerKind, List<HttpCaseResult>>> MeasureAsync(
        BenchDatabase database, IReadOnlyList<HttpServerKind> kinds, string bareRoot, string directory, int[] clients,
        SteadyStateWarmUp warmUp, TimeSpan duration, int rounds, string? wrk, List<string> notes)
    {
        var results = kinds.ToDictionary(kind => kind, _ => new List<HttpCaseResult>());
        var groups = rounds == 1 ? kinds.Select(kind => (IReadOnlyList<HttpServerKind>)[kind]) : [kinds];
        foreach (var group in groups)
        {
            var servers = new List<BenchServer>();
            try
            {
                foreach (var kind in group)
                {
                    await Console.Error.WriteLineAsync($"{database.Name}, {kind.Name}...");
                    servers.Add(await StartServerAsync(database, kind, bareRoot, directory, wrk));
                }

                var warmUps = servers.ToDictionary(server => server, _ => new List<string>());
                foreach (var count in clients)
                {
                    foreach (var server in servers)
                    {
                        if (servers.Count > 1)
                        {
                            await Console.Error.WriteLineAsync($"{database.Name}, {server.Kind.Name}, {count} clients:");
                        }

                        var warmedUp = await warmUp.RunAsync(server.Load, count, () => server.CpuTime, Console.Error);
                        warmUps[server].Add($"{warmedUp.TotalSeconds:0} s at {count}");
                    }

                    var windows = await MeasureWindowsAsync(servers, count, duration, rounds);
                    foreach (var server in servers)
                    {
                        var byRate = windows[server].OrderBy(window => window.AcceptedPerSecond).ToList();
                        results[server.Kind].Add(byRate[(byRate.Count - 1) / 2]);
                        if (rounds > 1)
                        {
                            notes.Add($"{database.Name}, {server.Kind.Name}, {count} clients, windows: " +
                                string.Join(", ", windows[server].Select(window => window.AcceptedPerSecond.ToString("N0", CultureInfo.InvariantCulture))) + "/s");
                        }
                    }
                }

                foreach (var server in servers)
                {
                    notes.Add($"{database.Name}, {server.Kind.Name}: {server.Configuration}; warm-up {string.Join(", ", warmUps[server])} clients");
                    notes.AddRange(results[server.Kind].Where(r => r.FirstError is not null)
                        .Select(r => $"{database.Name}, {server.Kind.Name}, {r.Clients} clients, first error: {r.FirstError}"));
                }
            }
            finally
            {
                foreach (var server in servers)
                {
                    await server.DisposeAsync();
                }
            }
        }

        return results;
    }

    /// <summary>Runs <paramref name="rounds"/> measured windows per server, the servers taking turns.</summary>
    private static async Task<Dictionary<BenchServer, List<HttpCaseResult>>> MeasureWindowsAsync(
        List<BenchServer> servers, int count, TimeSpan duration, int rounds)
    {
        var windows = servers.ToDictionary(server => server, _ => new List<HttpCaseResult>());
        for (var round = 0; round < rounds; round++)
        {
            for (var turn = 0; turn < servers.Count; turn++)
            {
                // Each round starts one server later, so that no server always follows the same other one.
                var server = servers[(round + turn) % servers.Count];
                if (servers.Count > 1)
                {
                    foreach (var other in servers)
                    {
                        await other.WaitUntilIdleAsync(IdleWaitLimit);
                    }
                }

                var window = await ServerCostWindow.RunAsync(server.Load, count, duration, () => server.CpuTime);
                windows[server].Add(window);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  measured, round {round + 1}, {server.Kind.Name}, {count} clients: {window.AcceptedPerSecond:N0}/s, {window.ServerCpuPerAccepted?.TotalMicroseconds:N0} µs CPU per answer"));
            }
        }

        return windows;
    }

    private static async Task<BenchServer> StartServerAsync(BenchDatabase database, HttpServerKind kind, string bareRoot, string directory, string? wrk)
    {
        var connectionString = await database.NewConnectionStringAsync();
        var workingDirectory = Directory.CreateDirectory(Path.Combine(directory, $"server-{Guid.NewGuid().ToString("N")[..8]}")).FullName;
        var start = kind.IsApi ? ApiStart(kind, database.Provider, connectionString, bareRoot) : PlainStart(database.Provider, connectionString);
        start.WorkingDirectory = workingDirectory;
        return await BenchServer.StartAsync(kind, start, StartTimeout, ResourceType, PrewarmConcurrency, directory, wrk);
    }

    private static string MeasurementDescription(int rounds, TimeSpan duration) => rounds == 1
        ? $"{duration.TotalSeconds:0.#} s measured, one server running at a time"
        : $"{rounds} measured windows of {duration.TotalSeconds:0.#} s per server, taking turns with the database's other servers (all running at once; " +
          $"every server idle before each window, waiting at most {IdleWaitLimit.TotalSeconds:0} s); each server's row is its window with the median accepted/s";

    private static ProcessStartInfo ApiStart(HttpServerKind kind, string provider, string connectionString, string bareRoot)
    {
        var contentRoot = ReferenceEquals(kind, HttpServerKind.ApiDefault) ? Path.Combine(AppContext.BaseDirectory, "api-config") : bareRoot;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(api::Program).Assembly.Location, "--urls", "http://127.0.0.1:0", "--contentRoot", contentRoot },
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Silo__Storage__Provider"] = provider;
        start.Environment["Silo__Storage__ConnectionString"] = connectionString;

        // The first operator key of its fresh database: the loads send it (BenchServer).
        start.Environment[TestApiKeys.BootstrapEnvironment] = TestApiKeys.Operator;
        // The bench measures the server, not the per-tenant limits (a load is one key of one tenant).
        foreach (var (name, value) in TestLimits.Environment)
        {
            start.Environment[name] = value;
        }

        UseFreeSiloPorts(start);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        if (ReferenceEquals(kind, HttpServerKind.ApiReadModel))
        {
            start.Environment["Consumers__read-model__Kind"] = "read-model";
            start.Environment["Resources__Defaults__RequiredConsumers__0"] = "read-model";
        }
        else if (ReferenceEquals(kind, HttpServerKind.ApiBareNoDashboard))
        {
            start.Environment["Silo__Dashboard__Enabled"] = "false";
        }
        else if (ReferenceEquals(kind, HttpServerKind.ApiBareDashboardWatched))
        {
            start.Environment["Silo__Dashboard__Profiler__TraceAlways"] = "true";
        }

        return start;
    }

    /// <summary>
    /// Gives an API child process free Orleans ports (its co-hosted silo would take 11111 and 30000): several API
    /// processes run at once with <c>--rounds</c>, and other silos may be running on the machine.
    /// </summary>
    internal static void UseFreeSiloPorts(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        while (gatewayPort == siloPort)
        {
            gatewayPort = FreePort.Next();
        }

        start.Environment["Silo__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Silo__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
    }

    private static ProcessStartInfo PlainStart(string provider, string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(HttpSuite).Assembly.Location, PlainServer.SuiteName, "--db", provider, "--connection", connectionString },
        };
        // The API runs with server GC (the Web SDK's default); the baseline gets the same.
        start.Environment["DOTNET_gcServer"] = "1";
        return start;
    }

    /// <summary>
    /// Writes the API's shipped appsettings.json without required consumers and with every consumer disabled, and
    /// returns its folder, for <c>--contentRoot</c>: configuration layers can add to a list but never empty one.
    /// </summary>
    private static string WriteBareConfiguration(string directory)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "api-config", "appsettings.json")))!.AsObject();
        if (root["Resources"] is JsonObject resources)
        {
            (resources["Defaults"] as JsonObject)?.Remove("RequiredConsumers");
            if (resources["Types"] is JsonObject types)
            {
                foreach (var (_, type) in types)
                {
                    (type as JsonObject)?.Remove("RequiredConsumers");
                }
            }
        }

        if (root["Consumers"] is JsonObject consumers)
        {
            foreach (var (_, consumer) in consumers)
            {
                if (consumer is JsonObject settings)
                {
                    settings["Enabled"] = false;
                }
            }
        }

        var folder = Directory.CreateDirectory(Path.Combine(directory, "api-bare")).FullName;
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), root.ToJsonString());
        return folder;
    }

    private static string LoadDescription(string? wrk) => wrk is null
        ? "the bench's own `HttpClient`s, one connection each; install `wrk` for a lighter load generator"
        : $"`{WrkLoad.Describe(wrk)}`, one connection per client, {Environment.ProcessorCount} threads at most; wrk counts any answer but 2xx/3xx, and any socket error, as an error";

    private static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("N2", CultureInfo.InvariantCulture);
}
