using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// The same closed loop as <see cref="IntentLoad"/>, driven by Debian's <c>wrk</c> (a load generator in C) instead of
/// <see cref="HttpClient"/>s in the bench process. On a machine with few cores the load generator shares the CPU with
/// the server it measures; wrk needs a fraction of what .NET's client needs per request, so more of the machine goes
/// to the server, for the API and the plain baseline alike.
/// </summary>
internal sealed partial class WrkLoad : IHttpLoad, IDisposable
{
    // Each request: POST an increment with a key no other request of any run has used, to a random one of the
    // resources, with the API key. The run id (unique per run), the path prefix and the Authorization header's value
    // come as arguments after "--" (wrk's -H headers are dropped when the script builds its requests with its own headers).
    private static readonly string Script = $$$"""
        local counter = 0
        local next_thread = 0
        setup = function(thread)
          thread:set("thread_id", next_thread)
          next_thread = next_thread + 1
        end
        init = function(args)
          run_id = args[1]
          prefix = args[2]
          authorization = args[3]
          math.randomseed(os.time() + thread_id * 7919)
        end
        request = function()
          counter = counter + 1
          local headers = {}
          headers["Content-Type"] = "application/json"
          headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
          headers["Authorization"] = authorization
          return wrk.format("POST", prefix .. "r-" .. math.random(0, {{{IntentLoad.Resources - 1}}}) .. "/intents", headers, '{"op":"increment","payload":{"n":1}}')
        end
        """;

    private readonly string _executable;
    private readonly string _scriptPath;
    private readonly Uri _address;
    private readonly string _pathPrefix;
    private readonly string _authorization;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _runs;

    /// <param name="executable">wrk (see <see cref="Find"/>).</param>
    /// <param name="directory">Where the Lua script is written (deleted on <see cref="Dispose"/>).</param>
    /// <param name="address">The server.</param>
    /// <param name="pathPrefix">The path up to the resource id, e.g. <c>/v1/resources/bench/</c>.</param>
    /// <param name="apiKey">The key sent as <c>Authorization: Bearer</c> (the API's bootstrap operator key).</param>
    public WrkLoad(string executable, string directory, Uri address, string pathPrefix, string apiKey)
    {
        _authorization = $"Bearer {apiKey}";
        _executable = executable;
        _address = address;
        _pathPrefix = pathPrefix;
        _scriptPath = Path.Combine(directory, $"intents-{_run}.lua");
        File.WriteAllText(_scriptPath, Script);
    }

    /// <summary>The wrk executable on the PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "wrk"))
            .FirstOrDefault(File.Exists);

    /// <summary>wrk's version line, e.g. <c>wrk 4.1.0 [epoll] ...</c>.</summary>
    public static string Describe(string executable)
    {
        var (_, output) = RunProcess(executable, ["-v"]);
        return (output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "wrk").Split(" Copyright", 2)[0].Trim();
    }

    /// <inheritdoc />
    public async Task<HttpCaseResult> RunWindowAsync(int clients, TimeSpan length, Action? windowOpening = null)
    {
        windowOpening?.Invoke();
        return Parse(clients, await RunWrkAsync(clients, length));
    }

    /// <inheritdoc />
    public void Dispose() => File.Delete(_scriptPath);

    private async Task<string> RunWrkAsync(int clients, TimeSpan length)
    {
        // One thread per core the machine has, but never more threads than connections (wrk refuses that).
        var threads = Math.Min(clients, Environment.ProcessorCount);
        var run = $"{_run}-{Interlocked.Increment(ref _runs)}";
        string[] arguments =
        [
            "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Max(1, (int)Math.Round(length.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s",
            "--timeout", "30s",
            "--latency",
            "-s", _scriptPath,
            _address.ToString(),
            "--", run, _pathPrefix, _authorization,
        ];
        var (exitCode, output) = await Task.Run(() => RunProcess(_executable, arguments));
        return exitCode == 0 ? output : throw new InvalidOperationException($"wrk exited with {exitCode}:\n{output}");
    }

    private static (int ExitCode, string Output) RunProcess(string executable, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.GetAwaiter().GetResult());
    }

    /// <summary>Reads wrk's report: requests, seconds, the latency distribution, non-2xx answers and socket errors.</summary>
    internal static HttpCaseResult Parse(int clients, string output)
    {
        var total = RequestsLine().Match(output);
        if (!total.Success)
        {
            throw new InvalidOperationException($"wrk's report has no 'N requests in Xs' line:\n{output}");
        }

        var requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = DurationOf(total.Groups[2].Value, total.Groups[3].Value);
        var notAccepted = NonSuccessLine().Match(output) is { Success: true } non ? long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrorsLine().Match(output) is { Success: true } socket
            ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture))
            : 0;
        var errors = notAccepted + socketErrors;
        string? firstError = errors == 0 ? null : $"wrk: {notAccepted} answers not 2xx, {socketErrors} socket errors";
        return new HttpCaseResult(
            clients, Math.Max(0, requests - notAccepted) / seconds.TotalSeconds, Percentile(output, "50"), Percentile(output, "99"), MaxLatency(output), errors, firstError);
    }

    private static TimeSpan Percentile(string output, string percent)
    {
        var match = Regex.Match(output, $@"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        return match.Success ? DurationOf(match.Groups[1].Value, match.Groups[2].Value) : TimeSpan.Zero;
    }

    /// <summary>The "Max" of wrk's thread-stats latency line (<c>Latency  avg  stdev  max  +/-stdev</c>).</summary>
    private static TimeSpan MaxLatency(string output)
    {
        var match = LatencyLine().Match(output);
        return match.Success ? DurationOf(match.Groups[1].Value, match.Groups[2].Value) : TimeSpan.Zero;
    }

    private static TimeSpan DurationOf(string number, string unit)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            _ => throw new InvalidOperationException($"wrk printed an unknown unit '{unit}'."),
        };
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^[ \t]+Latency[ \t]+\S+[ \t]+\S+[ \t]+([\d.]+)(us|ms|s|m)[ \t]", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
