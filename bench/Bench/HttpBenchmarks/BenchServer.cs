using System.Diagnostics;
using System.Net;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// One server of the http suite, running: the child process on its own fresh database, its resources created, and the
/// load that drives it (wrk, or the bench's own clients).
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly ChildServer _process;
    private readonly IntentLoad _clients;
    private readonly WrkLoad? _wrk;
    private readonly string _lastAnswer;

    private BenchServer(HttpServerKind kind, ChildServer process, IntentLoad clients, WrkLoad? wrk, string lastAnswer)
    {
        Kind = kind;
        _process = process;
        _clients = clients;
        _wrk = wrk;
        _lastAnswer = lastAnswer;
    }

    /// <summary>Which server this is.</summary>
    public HttpServerKind Kind { get; }

    /// <summary>The load to run against it.</summary>
    public IHttpLoad Load => _wrk is null ? _clients : _wrk;

    /// <summary>The server process's CPU time so far.</summary>
    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>
    /// What shows which configuration really ran: the API's answers' code ("settled" at once without required
    /// consumers), or the storage line the plain server printed.
    /// </summary>
    public string Configuration => Kind.IsApi
        ? $"answers' code after warm-up: `{IntentLoad.CodeOf(_lastAnswer) ?? "?"}`"
        : _process.LastOutput.Split('\n').FirstOrDefault(l => l.StartsWith("Storage: ", StringComparison.Ordinal))?["Storage: ".Length..] ?? "?";

    /// <summary>Starts the server and sends one intent to each resource (<paramref name="prewarmConcurrency"/> at a time).</summary>
    public static async Task<BenchServer> StartAsync(
        HttpServerKind kind, ProcessStartInfo start, TimeSpan startTimeout, string resourceType, int prewarmConcurrency, string directory, string? wrk)
    {
        var process = await ChildServer.StartAsync(start, startTimeout);
        try
        {
            var (pathPrefix, accepted) = kind.IsApi
                ? ($"/v1/resources/{resourceType}/", (Func<HttpStatusCode, bool>)(status => status == HttpStatusCode.Accepted))
                : ($"/plain/{resourceType}/", status => status is HttpStatusCode.OK or HttpStatusCode.Created);
            // Both loads send the API key (the API's bootstrap key, see HttpSuite.ApiStart), to the plain server too:
            // its requests are then the same bytes, and it ignores the header.
            var clients = new IntentLoad(process.Address, pathPrefix, accepted, TestApiKeys.Operator);
            var lastAnswer = await clients.PrewarmAsync(prewarmConcurrency);
            var wrkLoad = wrk is null ? null : new WrkLoad(wrk, directory, process.Address, pathPrefix, TestApiKeys.Operator);
            return new BenchServer(kind, process, clients, wrkLoad, lastAnswer);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until the server has been idle (under 5% of one core) for a quarter second, at most <paramref name="limit"/>:
    /// an API with consumers keeps working after its load stops, and that work must not land in another server's window.
    /// </summary>
    public async Task WaitUntilIdleAsync(TimeSpan limit)
    {
        var step = TimeSpan.FromMilliseconds(250);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            var before = CpuTime;
            await Task.Delay(step);
            if (CpuTime - before < step * 0.05)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _wrk?.Dispose();
        _clients.Dispose();
        await _process.DisposeAsync();
    }
}
