using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Grains.Consumers.Webhooks;

namespace OrleansConsistency.Grains.Tests.Webhooks;

/// <summary>
/// A real webhook receiver on loopback (Kestrel, 127.0.0.1, a free port) for tests. It verifies each request's
/// signature, records every request, and misbehaves on demand — at run time, while deliveries go on: a seeded share of
/// requests fail with 500, a share answer slowly, every request can be refused with one status, or it can be "down"
/// (503 with <c>Retry-After</c>). A request with a bad signature gets 401, as a real receiver would answer.
/// </summary>
internal sealed class FlakyWebhookReceiver : IAsyncDisposable
{
    public const string Path = "/hooks";

    private readonly WebApplication _app;
    private readonly string _secret;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly List<ReceivedDelivery> _deliveries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double _failureRate;
    private double _slowRate;
    private TimeSpan _slowDelay = TimeSpan.FromSeconds(1);
    private int? _forcedStatus;
    private bool _down;

    private FlakyWebhookReceiver(WebApplication app, string secret, int seed)
    {
        _app = app;
        _secret = secret;
        _random = new Random(seed);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>The share of requests (0–1) answered 500, chosen at random.</summary>
    public double FailureRate
    {
        get { lock (_gate) { return _failureRate; } }
        set { lock (_gate) { _failureRate = value; } }
    }

    /// <summary>The share of requests (0–1) that wait <see cref="SlowDelay"/> before answering.</summary>
    public double SlowRate
    {
        get { lock (_gate) { return _slowRate; } }
        set { lock (_gate) { _slowRate = value; } }
    }

    public TimeSpan SlowDelay
    {
        get { lock (_gate) { return _slowDelay; } }
        set { lock (_gate) { _slowDelay = value; } }
    }

    /// <summary>When set, every request with a valid signature is answered with this status.</summary>
    public int? ForcedStatus
    {
        get { lock (_gate) { return _forcedStatus; } }
        set { lock (_gate) { _forcedStatus = value; } }
    }

    /// <summary>True to answer every request 503 with <c>Retry-After: 2</c>.</summary>
    public bool Down
    {
        get { lock (_gate) { return _down; } }
        set { lock (_gate) { _down = value; } }
    }

    public IReadOnlyList<ReceivedDelivery> Deliveries
    {
        get { lock (_gate) { return [.. _deliveries]; } }
    }

    public static async Task<FlakyWebhookReceiver> StartAsync(string secret, int seed = 20240611)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new FlakyWebhookReceiver(app, secret, seed);
        app.MapPost(Path, receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(new Uri(address), Path);
        return receiver;
    }

    /// <summary>Waits until the deliveries so far satisfy <paramref name="condition"/>, or fails after <paramref name="patience"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedDelivery>, bool> condition, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_deliveries))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The receiver's deliveries did not reach the expected state within {patience}; it has {Deliveries.Count}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var signatureValid = long.TryParse(request.Headers[WebhookConsumer.TimestampHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            && WebhookSignature.Verify(_secret, request.Headers[WebhookConsumer.SignatureHeader], timestamp, body, TimeProvider.System);

        int status;
        TimeSpan delay;
        lock (_gate)
        {
            delay = _random.NextDouble() < _slowRate ? _slowDelay : TimeSpan.Zero;
            status = !signatureValid ? StatusCodes.Status401Unauthorized
                : _down ? StatusCodes.Status503ServiceUnavailable
                : _forcedStatus ?? (_random.NextDouble() < _failureRate ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK);
        }

        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up waiting: record that it never got an answer.
                status = 499;
            }
        }

        // Recorded before the answer is written, so a sender can never see a success the record does not have yet.
        Record(new ReceivedDelivery(
            request.Headers[WebhookConsumer.ResourceHeader].ToString() is { Length: > 0 } resource ? resource : null,
            long.TryParse(request.Headers[WebhookConsumer.VersionHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1,
            request.Headers[WebhookConsumer.IdempotencyKeyHeader].ToString() is { Length: > 0 } key ? key : null,
            signatureValid,
            status,
            headers,
            body,
            TimeProvider.System.GetUtcNow()));
        if (status == 499)
        {
            return;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "2";
        }
    }

    private void Record(ReceivedDelivery delivery)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _deliveries.Add(delivery);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
