using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;

namespace OrleansConsistency.Grains.Consumers.Webhooks;

/// <summary>
/// Delivers each transition to an HTTP receiver: one signed POST per event. It makes exactly one attempt per call;
/// retries, backoff, jitter and the circuit breaker belong to the consumer runner, so that they are the same for
/// every kind of consumer and show up in the intent's status.
/// </summary>
public sealed class WebhookConsumer : IResourceConsumer
{
    /// <summary>The consumer kind in configuration.</summary>
    public const string Kind = "webhook";

    /// <summary>The name of the <see cref="HttpClient"/> webhook consumers send with (<c>IHttpClientFactory</c>).</summary>
    public const string HttpClientName = "webhooks";

    /// <summary>The receiver's deduplication key: the same for every attempt of one (consumer, resource, version).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The delivery's id; the same value as <see cref="IdempotencyKeyHeader"/>.</summary>
    public const string IdHeader = "Webhook-Id";

    /// <summary>When the delivery was signed, in Unix seconds; part of the signed bytes.</summary>
    public const string TimestampHeader = "Webhook-Timestamp";

    /// <summary>What happened: <c>resource.{transition type}</c>, e.g. <c>resource.applied</c>.</summary>
    public const string EventHeader = "Webhook-Event";

    /// <summary>The resource: <c>{type}/{id}</c>.</summary>
    public const string ResourceHeader = "Webhook-Resource";

    /// <summary>The header naming the resource's tenant, sent unless it is the default tenant.</summary>
    public const string TenantHeader = "Webhook-Tenant";

    /// <summary>The resource version the event produced.</summary>
    public const string VersionHeader = "Webhook-Version";

    /// <summary>1 for the first attempt of this event, then 2, 3, …</summary>
    public const string AttemptHeader = "Webhook-Attempt";

    /// <summary>
    /// The signature, <c>sha256={hex}</c>; while a secret is being rotated, two of them, <c>sha256={hex}, sha256={hex}</c>
    /// (the current secret's first). See <see cref="WebhookSignature"/>.
    /// </summary>
    public const string SignatureHeader = "Webhook-Signature";

    /// <summary>The shortest secret accepted: shorter ones are guessable.</summary>
    public const int MinimumSecretLength = 16;

    private readonly Uri _url;
    private readonly string _secret;
    private readonly string? _previousSecret;
    private readonly DateTimeOffset _previousSecretExpiresAt;
    private readonly TimeSpan _attemptTimeout;
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the consumer, or throws when its settings cannot work.</summary>
    /// <param name="name">The consumer's name (<c>Consumers:{name}</c>).</param>
    /// <param name="options">
    /// Its settings: <see cref="ConsumerOptions.Url"/>, <see cref="ConsumerOptions.Secret"/>, optionally
    /// <see cref="ConsumerOptions.PreviousSecret"/> with <see cref="ConsumerOptions.PreviousSecretExpiresAt"/>, and
    /// <see cref="ConsumerOptions.AttemptTimeout"/>.
    /// </param>
    /// <param name="httpClient">
    /// The client to send with. Its own <see cref="HttpClient.Timeout"/> should be no shorter than the attempt timeout
    /// (infinite is best): the attempt timeout is what bounds an attempt. Redirects should not be followed.
    /// </param>
    /// <param name="timeProvider">The clock for timestamps, the previous secret's expiry and the attempt timeout.</param>
    /// <exception cref="ArgumentException">
    /// The URL is not an absolute http(s) URL, a secret is too short, the previous secret equals the secret or has no
    /// expiry, or the attempt timeout is not positive.
    /// </exception>
    public WebhookConsumer(string name, ConsumerOptions options, HttpClient httpClient, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(
                $"Consumers:{name}:Url must be an absolute http or https URL for a webhook consumer; it is '{options.Url}'.",
                nameof(options));
        }

        // The secret is never echoed: the message may end up in logs.
        if (options.Secret is null || options.Secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException(
                $"Consumers:{name}:Secret must be at least {MinimumSecretLength} characters for a webhook consumer; it is {(options.Secret is null ? "missing" : $"{options.Secret.Length} characters")}.",
                nameof(options));
        }

        // Empty counts as unset, so that an override (an environment variable, say) can end a rotation early.
        var previousSecret = string.IsNullOrEmpty(options.PreviousSecret) ? null : options.PreviousSecret;
        if (previousSecret is not null)
        {
            if (previousSecret.Length < MinimumSecretLength)
            {
                throw new ArgumentException(
                    $"Consumers:{name}:PreviousSecret must be at least {MinimumSecretLength} characters for a webhook consumer; it is {previousSecret.Length} characters.",
                    nameof(options));
            }

            // Rotating to the same secret would send the same signature twice and rotate nothing: surely a mistake.
            if (string.Equals(previousSecret, options.Secret, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Consumers:{name}:PreviousSecret must differ from Consumers:{name}:Secret; they are the same.",
                    nameof(options));
            }

            // Without an end the old secret would stay valid forever, which is exactly what rotating is meant to stop.
            if (options.PreviousSecretExpiresAt is null)
            {
                throw new ArgumentException(
                    $"Consumers:{name}:PreviousSecretExpiresAt is required when Consumers:{name}:PreviousSecret is set; it is missing.",
                    nameof(options));
            }
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Consumers:{name}:AttemptTimeout must be positive; it is {options.AttemptTimeout}.", nameof(options));
        }

        Name = name;
        _url = url;
        _secret = options.Secret;
        _previousSecret = previousSecret;
        _previousSecretExpiresAt = options.PreviousSecretExpiresAt ?? DateTimeOffset.MinValue;
        _attemptTimeout = options.AttemptTimeout;
        _httpClient = httpClient;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The receiver's URL.</summary>
    public Uri Url => _url;

    /// <summary>
    /// POSTs the event; returns on any 2xx. Throws <see cref="PoisonEventException"/> when the receiver refused it for
    /// good (a 4xx other than 408 and 429), and <see cref="WebhookDeliveryException"/> for anything a retry may fix.
    /// </summary>
    /// <inheritdoc />
    public async Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(context);

        // The body is the stored event's JSON, byte for byte: what is signed is what is sent.
        var body = JsonSerializer.SerializeToUtf8Bytes(transition, GrainsJsonContext.Default.TransitionEvent);
        var now = _timeProvider.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, _url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(IdempotencyKeyHeader, context.IdempotencyKey);
        request.Headers.Add(IdHeader, context.IdempotencyKey);
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(EventHeader, "resource." + transition.Type);
        request.Headers.Add(ResourceHeader, $"{transition.ResourceType}/{transition.ResourceId}");
        if (transition.Tenant is { } tenant)
        {
            // Receivers serving several tenants tell them apart by this (the body's "tenant" says the same).
            request.Headers.Add(TenantHeader, tenant);
        }
        request.Headers.Add(VersionHeader, transition.Version.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(AttemptHeader, context.Attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, Signature(now, timestamp, body));

        // One attempt may not outlive the attempt timeout, whatever the caller's token allows: a receiver that trickles
        // its answer would otherwise hold one of the consumer's slots (its bulkhead) for as long as it likes.
        using var timeout = new CancellationTokenSource(_attemptTimeout, _timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            // Headers are enough: the receiver's body is not read, so a large or endless one costs nothing.
            response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation, so a timeout: ours, or the HttpClient's own if that one is shorter.
            var limit = timeout.IsCancellationRequested ? _attemptTimeout : Min(_attemptTimeout, _httpClient.Timeout);
            throw new WebhookDeliveryException(
                $"The receiver at {Describe(_url)} did not answer within {Seconds(limit)}.",
                new TimeoutException(exception.Message, exception));
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookDeliveryException($"Could not reach the receiver at {Describe(_url)}: {exception.Message}", exception);
        }

        using (response)
        {
            Classify(response);
        }
    }

    // Checked per delivery, not once at start, so the old signature stops at its expiry without a restart.
    private string Signature(DateTimeOffset now, long timestamp, byte[] body)
    {
        var current = WebhookSignature.Compute(_secret, timestamp, body);
        return _previousSecret is not null && now < _previousSecretExpiresAt
            ? current + WebhookSignature.Separator + WebhookSignature.Compute(_previousSecret, timestamp, body)
            : current;
    }

    private void Classify(HttpResponseMessage response)
    {
        var status = response.StatusCode;
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return;
        }

        var answer = $"{code} {response.ReasonPhrase ?? status.ToString()}";
        if (code is >= 400 and < 500 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests)
        {
            throw new PoisonEventException($"The receiver refused it: {answer}");
        }

        var retryAfter = status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable ? RetryAfter(response) : null;
        var message = code is >= 300 and < 400
            ? $"The receiver at {Describe(_url)} answered {answer} (redirects are not followed: point the URL at the final address)."
            : $"The receiver at {Describe(_url)} answered {answer}.";
        if (retryAfter is { } delay)
        {
            message += $" It asked to retry after {Seconds(delay)}.";
        }

        throw new WebhookDeliveryException(message, status, retryAfter);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var delay = date - _timeProvider.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    // The URL's user info or query may carry the receiver's credentials; messages (and logs) show only where it goes.
    private static string Describe(Uri url) => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => b == Timeout.InfiniteTimeSpan || a <= b ? a : b;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
