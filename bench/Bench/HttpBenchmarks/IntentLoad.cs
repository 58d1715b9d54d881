using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>
/// Clients that POST <c>{"op":"increment","payload":{"n":1}}</c> with a fresh Idempotency-Key each time to a random
/// one of <see cref="Resources"/> resources, in a closed loop (each waits for its answer before sending the next).
/// Every request carries the API key (<c>Authorization: Bearer</c>): the API refuses requests without one.
/// </summary>
internal sealed class IntentLoad : IHttpLoad, IDisposable
{
    /// <summary>How many resources the intents are spread over.</summary>
    public const int Resources = 1000;

    private static readonly byte[] Body = """{"op":"increment","payload":{"n":1}}"""u8.ToArray();

    private readonly HttpClient _client;
    private readonly Uri _address;
    private readonly string _pathPrefix;
    private readonly Func<HttpStatusCode, bool> _accepted;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;
    private volatile bool _counting;
    private long _errors;
    private string? _firstError;

    /// <param name="address">The server.</param>
    /// <param name="pathPrefix">The path up to the resource id, e.g. <c>/v1/resources/bench/</c>.</param>
    /// <param name="accepted">Which answers count as accepted; any other is an error.</param>
    /// <param name="apiKey">The key to send (the API's bootstrap operator key; the plain server ignores it).</param>
    public IntentLoad(Uri address, string pathPrefix, Func<HttpStatusCode, bool> accepted, string apiKey = TestApiKeys.Operator)
    {
        _address = address;
        _pathPrefix = pathPrefix;
        _accepted = accepted;

        // One connection per client: HTTP/1.1 carries one request at a time, so fewer would queue clients in the
        // handler rather than in the server being measured.
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        }.Authorize(apiKey);
    }

    /// <summary>
    /// Sends one intent to every resource, <paramref name="concurrency"/> at a time, so that every resource exists
    /// (and, in the API, is activated) before anything is measured; returns the last answer's body.
    /// </summary>
    public async Task<string> PrewarmAsync(int concurrency)
    {
        var next = -1;
        var last = string.Empty;
        async Task WorkAsync()
        {
            int resource;
            while ((resource = Interlocked.Increment(ref next)) < Resources)
            {
                var (status, body) = await SendAsync(resource);
                if (!_accepted(status))
                {
                    throw new InvalidOperationException($"Warming up, resource {resource} answered {(int)status}: {body}");
                }

                last = body;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => WorkAsync()));
        return last;
    }

    /// <inheritdoc />
    public async Task<HttpCaseResult> RunWindowAsync(int clients, TimeSpan length, Action? windowOpening = null)
    {
        var result = await ClosedLoop.RunAsync(
            clients,
            _ => OneAsync(),
            TimeSpan.Zero,
            length,
            () =>
            {
                Interlocked.Exchange(ref _errors, 0);
                _firstError = null;
                _counting = true;
                windowOpening?.Invoke();
            });
        _counting = false;

        // The loop counts every answer that completed in the window; errors are counted from the window's start to the
        // last answer, so at most one per client too many are taken off.
        var errors = Interlocked.Read(ref _errors);
        var accepted = Math.Max(0, result.Operations - errors);
        return new HttpCaseResult(
            clients, accepted / result.Elapsed.TotalSeconds, result.Latency.Percentile(50), result.Latency.Percentile(99), result.Latency.Max, errors, _firstError)
        {
            LeastServedPercent = result.Fairness,
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task OneAsync()
    {
        string? error;
        try
        {
            var (status, body) = await SendAsync(Random.Shared.Next(Resources));
            error = _accepted(status) ? null : $"{(int)status}: {Shorten(body)}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // A refused or timed-out request is an answer that was not accepted, not the end of the run.
            error = $"{exception.GetType().Name}: {exception.Message}";
        }

        if (error is not null && _counting)
        {
            Interlocked.Increment(ref _errors);
            Interlocked.CompareExchange(ref _firstError, error, null);
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(int resource)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, $"{_pathPrefix}r-{resource}/intents"));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"{_run}-{Interlocked.Increment(ref _sequence)}");
        request.Content = new ByteArrayContent(Body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>code</c> of a JSON answer, e.g. <c>settled</c>, or null.</summary>
    public static string? CodeOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["code"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
