using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Consumers.Webhooks;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Serialization;

namespace OrleansConsistency.Grains.Tests.Webhooks;

/// <summary>The webhook consumer against a real receiver on loopback, one attempt at a time (no runner).</summary>
public sealed class WebhookConsumerTests
{
    private const string Secret = "test-secret-0123456789abcdef";
    private const string OldSecret = "old-secret-being-rotated-out-42";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // As the silo builds it: no redirects, and no client-wide timeout (the attempt timeout bounds each attempt).
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    [Fact]
    public async Task HandleAsync_Receiver200_PostsTheStoredEventJsonSignedWithEveryHeader()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        var consumer = Consumer(receiver.Url);
        var transition = Transition("o-1", 3);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await consumer.HandleAsync(transition, new ConsumerContext("hooks", 2, "hooks:orders/o-1:3"), CancellationToken.None);

        var delivery = Assert.Single(receiver.Deliveries);
        Assert.True(delivery.SignatureValid);
        Assert.Equal(200, delivery.Status);
        Assert.Equal(JsonSerializer.Serialize(transition, GrainsJsonContext.Default.TransitionEvent), System.Text.Encoding.UTF8.GetString(delivery.Body));
        Assert.Equal("application/json", delivery.ContentType?.MediaType);
        Assert.Equal("hooks:orders/o-1:3", delivery.Header("Idempotency-Key"));
        Assert.Equal("hooks:orders/o-1:3", delivery.Header("Webhook-Id"));
        Assert.Equal("resource.applied", delivery.Header("Webhook-Event"));
        Assert.Equal("orders/o-1", delivery.Header("Webhook-Resource"));
        Assert.Equal("3", delivery.Header("Webhook-Version"));
        Assert.Equal("2", delivery.Header("Webhook-Attempt"));
        Assert.InRange(long.Parse(delivery.Header("Webhook-Timestamp")!, System.Globalization.CultureInfo.InvariantCulture), before, before + 5);
        Assert.Matches("^sha256=[0-9a-f]{64}$", delivery.Header("Webhook-Signature"));
        Assert.Equal(("orders/o-1", 3L, "hooks:orders/o-1:3"), (delivery.Resource, delivery.Version, delivery.IdempotencyKey));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    [InlineData(204)]
    public async Task HandleAsync_AnyOther2xx_IsSuccess(int status)
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.ForcedStatus = status;

        await Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None);

        Assert.Equal(status, Assert.Single(receiver.Deliveries).Status);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(307)]
    public async Task HandleAsync_StatusARetryMayFix_ThrowsARetryableException(int status)
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.ForcedStatus = status;

        var exception = await Assert.ThrowsAsync<WebhookDeliveryException>(() => Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.Equal((HttpStatusCode)status, exception.StatusCode);
        Assert.Contains($"answered {status} ", exception.Message, StringComparison.Ordinal);
        Assert.IsNotType<PoisonEventException>(exception);
    }

    [Fact]
    public async Task HandleAsync_ReceiverDown503WithRetryAfter_SaysWhenItAskedToRetry()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.Down = true;

        var exception = await Assert.ThrowsAsync<WebhookDeliveryException>(() => Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, exception.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), exception.RetryAfter);
        Assert.Contains("retry after 2 s", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "The receiver refused it: 400 Bad Request")]
    [InlineData(404, "The receiver refused it: 404 Not Found")]
    [InlineData(410, "The receiver refused it: 410 Gone")]
    [InlineData(422, "The receiver refused it: 422 Unprocessable Entity")]
    public async Task HandleAsync_Receiver4xx_ThrowsPoisonEvent(int status, string message)
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.ForcedStatus = status;

        var exception = await Assert.ThrowsAsync<PoisonEventException>(() => Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.Equal(message, exception.Message);
    }

    [Fact]
    public async Task HandleAsync_SecretTheReceiverDoesNotShare_IsRefusedAs401Poison()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync("the-receivers-own-secret-xyz");

        var exception = await Assert.ThrowsAsync<PoisonEventException>(() => Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.Contains("401", exception.Message, StringComparison.Ordinal);
        Assert.False(Assert.Single(receiver.Deliveries).SignatureValid);
    }

    [Fact]
    public async Task HandleAsync_ReceiverSlowerThanAttemptTimeout_ThrowsRetryableWithinAboutTheTimeout()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.SlowRate = 1;
        receiver.SlowDelay = TimeSpan.FromSeconds(30);
        var attemptTimeout = TimeSpan.FromMilliseconds(500);
        var consumer = Consumer(receiver.Url, options => options.AttemptTimeout = attemptTimeout);
        var clock = Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<WebhookDeliveryException>(() => consumer.HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.InRange(clock.Elapsed, attemptTimeout - TimeSpan.FromMilliseconds(50), attemptTimeout + TimeSpan.FromSeconds(2));
        Assert.IsType<TimeoutException>(exception.InnerException);
        Assert.Null(exception.StatusCode);
        Assert.Contains("did not answer within 0.5 s", exception.Message, StringComparison.Ordinal);

        // The receiver sees the hang-up, not a success the consumer never heard of.
        await receiver.WaitUntilAsync(d => d.Count == 1, Patience);
        Assert.Equal(499, receiver.Deliveries[0].Status);
    }

    [Fact]
    public async Task HandleAsync_CallerCancels_ThrowsOperationCanceledRatherThanAFailure()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        receiver.SlowRate = 1;
        receiver.SlowDelay = TimeSpan.FromSeconds(30);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var exception = await Record.ExceptionAsync(() => Consumer(receiver.Url).HandleAsync(Transition("o-1", 1), Context(), cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(exception);
    }

    [Fact]
    public async Task HandleAsync_NobodyListening_ThrowsRetryableConnectionFailure()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/hooks");

        var exception = await Assert.ThrowsAsync<WebhookDeliveryException>(() => Consumer(url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.IsType<HttpRequestException>(exception.InnerException);
        Assert.StartsWith("Could not reach the receiver at http://127.0.0.1:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_Failure_MessageShowsWhereItWentButNotTheUrlsCredentials()
    {
        var url = new Uri($"http://user:hunter2@127.0.0.1:{FreePort()}/hooks?token=s3cr3t");

        var exception = await Assert.ThrowsAsync<WebhookDeliveryException>(() => Consumer(url).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None));

        Assert.Contains("/hooks", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_AnotherAttempt_SendsTheSameIdempotencyKeyAndANewSignature()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        var consumer = Consumer(receiver.Url);
        var transition = Transition("o-2", 5);

        await consumer.HandleAsync(transition, new ConsumerContext("hooks", 1, "key-5"), CancellationToken.None);
        await consumer.HandleAsync(transition, new ConsumerContext("hooks", 2, "key-5"), CancellationToken.None);

        Assert.Collection(
            receiver.Deliveries,
            first => Assert.Equal(("key-5", "1", true), (first.IdempotencyKey, first.Header("Webhook-Attempt"), first.SignatureValid)),
            second => Assert.Equal(("key-5", "2", true), (second.IdempotencyKey, second.Header("Webhook-Attempt"), second.SignatureValid)));
    }

    [Theory]
    [InlineData(null, "Consumers:hooks:Url")]
    [InlineData("/relative/hooks", "Consumers:hooks:Url")]
    [InlineData("ftp://example.test/hooks", "Consumers:hooks:Url")]
    public void Constructor_UrlNotAbsoluteHttp_ThrowsNamingTheSetting(string? url, string setting)
    {
        var options = new ConsumerOptions { Kind = "webhook", Url = url is null ? null : new Uri(url, UriKind.RelativeOrAbsolute), Secret = Secret };

        var exception = Assert.Throws<ArgumentException>(() => new WebhookConsumer("hooks", options, Http, TimeProvider.System));

        Assert.StartsWith(setting, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short-secret-15")]
    public void Constructor_SecretMissingOrShort_ThrowsNamingTheSettingWithoutShowingIt(string? secret)
    {
        var options = new ConsumerOptions { Kind = "webhook", Url = new Uri("https://example.test/hooks"), Secret = secret };

        var exception = Assert.Throws<ArgumentException>(() => new WebhookConsumer("hooks", options, Http, TimeProvider.System));

        Assert.StartsWith("Consumers:hooks:Secret must be at least 16 characters", exception.Message, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(secret))
        {
            Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HandleAsync_DuringARotation_SendsBothSignaturesCurrentFirst_AndReceiversWithEitherSecretVerify()
    {
        await using var oldReceiver = await FlakyWebhookReceiver.StartAsync(OldSecret);
        await using var newReceiver = await FlakyWebhookReceiver.StartAsync(Secret);
        void Rotating(ConsumerOptions options)
        {
            options.PreviousSecret = OldSecret;
            options.PreviousSecretExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
        }

        await Consumer(oldReceiver.Url, Rotating).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None);
        await Consumer(newReceiver.Url, Rotating).HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None);

        foreach (var delivery in new[] { Assert.Single(oldReceiver.Deliveries), Assert.Single(newReceiver.Deliveries) })
        {
            Assert.Equal((true, 200), (delivery.SignatureValid, delivery.Status));
            var timestamp = long.Parse(delivery.Header("Webhook-Timestamp")!, System.Globalization.CultureInfo.InvariantCulture);
            var expected = $"{WebhookSignature.Compute(Secret, timestamp, delivery.Body)}, {WebhookSignature.Compute(OldSecret, timestamp, delivery.Body)}";
            Assert.Equal(expected, delivery.Header("Webhook-Signature"));
        }
    }

    [Fact]
    public async Task HandleAsync_OnceThePreviousSecretExpired_SendsOnlyTheCurrentSignature_WithoutARestart()
    {
        await using var oldReceiver = await FlakyWebhookReceiver.StartAsync(OldSecret);

        // Near the real time, so the receiver's five-minute tolerance still holds after the clock is moved on.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var consumer = Consumer(oldReceiver.Url, options =>
        {
            options.PreviousSecret = OldSecret;
            options.PreviousSecretExpiresAt = clock.GetUtcNow().AddMinutes(1);
        }, clock);

        await consumer.HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var exception = await Assert.ThrowsAsync<PoisonEventException>(() => consumer.HandleAsync(Transition("o-1", 2), Context(), CancellationToken.None));

        Assert.Contains("401", exception.Message, StringComparison.Ordinal);
        Assert.Collection(
            oldReceiver.Deliveries,
            during => Assert.Equal((true, 2), (during.SignatureValid, during.Header("Webhook-Signature")!.Split(',').Length)),
            after =>
            {
                Assert.False(after.SignatureValid);
                var timestamp = long.Parse(after.Header("Webhook-Timestamp")!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(WebhookSignature.Compute(Secret, timestamp, after.Body), after.Header("Webhook-Signature"));
            });
    }

    [Fact]
    public async Task HandleAsync_PreviousSecretExpiredBeforeStart_SendsOnlyTheCurrentSignature()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret);
        var consumer = Consumer(receiver.Url, options =>
        {
            options.PreviousSecret = OldSecret;
            options.PreviousSecretExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        });

        await consumer.HandleAsync(Transition("o-1", 1), Context(), CancellationToken.None);

        var delivery = Assert.Single(receiver.Deliveries);
        Assert.True(delivery.SignatureValid);
        Assert.Matches("^sha256=[0-9a-f]{64}$", delivery.Header("Webhook-Signature"));
    }

    [Theory]
    [InlineData("short-secret-15", "Consumers:hooks:PreviousSecret must be at least 16 characters")]
    [InlineData(Secret, "Consumers:hooks:PreviousSecret must differ from Consumers:hooks:Secret")]
    public void Constructor_PreviousSecretShortOrTheSameAsTheSecret_ThrowsNamingTheSettingWithoutShowingIt(string previous, string message)
    {
        var options = new ConsumerOptions
        {
            Kind = "webhook",
            Url = new Uri("https://example.test/hooks"),
            Secret = Secret,
            PreviousSecret = previous,
            PreviousSecretExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        };

        var exception = Assert.Throws<ArgumentException>(() => new WebhookConsumer("hooks", options, Http, TimeProvider.System));

        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(previous, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PreviousSecretWithoutExpiry_ThrowsNamingTheSettingWithoutShowingTheSecrets()
    {
        var options = new ConsumerOptions { Kind = "webhook", Url = new Uri("https://example.test/hooks"), Secret = Secret, PreviousSecret = OldSecret };

        var exception = Assert.Throws<ArgumentException>(() => new WebhookConsumer("hooks", options, Http, TimeProvider.System));

        Assert.StartsWith("Consumers:hooks:PreviousSecretExpiresAt is required when Consumers:hooks:PreviousSecret is set", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OldSecret, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    private static WebhookConsumer Consumer(Uri url, Action<ConsumerOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new ConsumerOptions { Kind = "webhook", Url = url, Secret = Secret, AttemptTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return new WebhookConsumer("hooks", options, Http, timeProvider ?? TimeProvider.System);
    }

    private static ConsumerContext Context() => new("hooks", 1, Guid.NewGuid().ToString("N"));

    private static TransitionEvent Transition(string id, long version) => new(
        TransitionEvent.CurrentSchemaVersion,
        "orders",
        id,
        version,
        TransitionEvent.Applied,
        "intent-" + version,
        "corr-1",
        new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
        IntentOperation.Merge,
        JsonDocument.Parse("""{"qty":2,"note":"ünïcode ✓"}""").RootElement.Clone(),
        JsonDocument.Parse("""{"qty":2,"note":"ünïcode ✓"}""").RootElement.Clone());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
