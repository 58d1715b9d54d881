using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Consumers.Webhooks;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.TestSupport;
using Xunit.Abstractions;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Webhooks;

/// <summary>The webhook consumer run by the silo's consumer runner against a receiver that misbehaves.</summary>
public sealed class WebhookDeliveryEndToEndTests(ITestOutputHelper output)
{
    private const string Consumer = "hooks";
    private const string Secret = "end-to-end-secret-0123456789";
    private const string Type = "orders";
    private const int Resources = 5;
    private const int IntentsPerResource = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FlakySlowReceiver_GetsEveryEventAtLeastOnceInVersionOrderSigned_AndTheBreakerOpensAndCloses()
    {
        await using var receiver = await FlakyWebhookReceiver.StartAsync(Secret, seed: 7);
        await using var cluster = await StartAsync("sqlite", configure: builder => builder.ConfigureServices(services =>
        {
            services.Configure<ConsumersOptions>(consumers =>
            {
                consumers.SweepInterval = TimeSpan.FromSeconds(1);
                consumers.Consumers[Consumer] = new ConsumerOptions
                {
                    Kind = WebhookConsumer.Kind,
                    Url = receiver.Url,
                    Secret = Secret,
                    AttemptTimeout = TimeSpan.FromMilliseconds(400),
                    RetryDelay = TimeSpan.FromMilliseconds(20),
                    MaxRetryDelay = TimeSpan.FromMilliseconds(200),
                    BreakerFailureRatio = 0.7,
                    BreakerMinimumThroughput = 10,
                    BreakerSamplingDuration = TimeSpan.FromSeconds(2),
                    BreakerDuration = TimeSpan.FromMilliseconds(500),
                };
            });
            services.Configure<ResourcesOptions>(resources => resources.Types[Type] = new ResourceTypeOptions { RequiredConsumers = { Consumer } });
        }));
        var control = cluster.Primary.Services.GetRequiredService<IConsumerControl>();
        using var watching = new CancellationTokenSource();
        var breaker = new BreakerWatch(control, Consumer);
        var watcher = breaker.RunAsync(watching.Token);

        // Down first, so the breaker certainly opens; then flaky: half the requests fail, a tenth outlast the attempt timeout.
        receiver.Down = true;
        var ids = Enumerable.Range(0, Resources).Select(i => $"w-{i}").ToArray();
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var i = 0; i < IntentsPerResource; i++)
            {
                await cluster.Resource(Type, id).Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
            }
        }));
        await breaker.WaitForAsync("open", Patience);
        receiver.FailureRate = 0.5;
        receiver.SlowRate = 0.1;
        receiver.SlowDelay = TimeSpan.FromMilliseconds(600);
        receiver.Down = false;

        await receiver.WaitUntilAsync(deliveries => AllDelivered(deliveries, ids, IntentsPerResource), Patience);

        // A healthy receiver and one more event: the breaker, wherever the flaky run left it, must close and stay closed.
        receiver.FailureRate = 0;
        receiver.SlowRate = 0;
        await cluster.Resource(Type, ids[0]).Submit(Intent(IntentOperation.Increment, """{"n":1}"""));
        await receiver.WaitUntilAsync(deliveries => deliveries.Any(d => d.Succeeded && d.Resource == $"{Type}/{ids[0]}" && d.Version == IntentsPerResource + 1), Patience);
        await breaker.WaitForAsync("closed", Patience, after: "open");
        await watching.CancelAsync();
        await watcher;

        var deliveries = receiver.Deliveries;
        output.WriteLine($"requests {deliveries.Count}: {deliveries.Count(d => d.Succeeded)} ok, {deliveries.Count(d => d.Status == 500)} × 500, " +
            $"{deliveries.Count(d => d.Status == 503)} × 503, {deliveries.Count(d => d.Status == 499)} timed out; breaker: {string.Join(" → ", breaker.States)}");

        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"bad signature on {d.Resource} v{d.Version}"));
        Assert.Contains(deliveries, d => d.Status == 500);
        Assert.Contains(deliveries, d => d.Status == 499);
        foreach (var id in ids)
        {
            var resource = $"{Type}/{id}";
            var expected = id == ids[0] ? IntentsPerResource + 1 : IntentsPerResource;
            var mine = deliveries.Where(d => d.Resource == resource).ToList();

            // Order of first successful delivery per version; the receiver records a success before answering it.
            var firstSuccesses = mine.Where(d => d.Succeeded).Select(d => d.Version).Distinct().ToList();
            Assert.Equal(Enumerable.Range(1, expected).Select(v => (long)v), firstSuccesses);

            // Every attempt at one version carries the same key and the same event; different versions, different keys.
            foreach (var version in mine.GroupBy(d => d.Version))
            {
                var key = Assert.Single(version.Select(d => d.IdempotencyKey).Distinct());
                Assert.Equal($"{Consumer}:{resource}:{version.Key}", key);
                Assert.All(version, d =>
                {
                    var transition = JsonSerializer.Deserialize(d.Body, GrainsJsonContext.Default.TransitionEvent)!;
                    Assert.Equal((id, version.Key), (transition.ResourceId, transition.Version));
                });
            }

            // The webhook is the type's required consumer, so its acknowledgements settle the resource.
            var snapshot = await cluster.Resource(Type, id).GetSnapshot();
            for (var deadline = TimeProvider.System.GetUtcNow() + Patience; snapshot.SettledVersion < expected && TimeProvider.System.GetUtcNow() < deadline;)
            {
                await Task.Delay(20);
                snapshot = await cluster.Resource(Type, id).GetSnapshot();
            }

            Assert.Equal((expected, expected), (snapshot.Version, snapshot.SettledVersion));
        }

        Assert.Equal(["closed", "open"], breaker.States.Take(2));
        Assert.Equal("closed", breaker.States[^1]);
    }

    private static bool AllDelivered(IReadOnlyList<ReceivedDelivery> deliveries, string[] ids, int versions)
    {
        var delivered = deliveries.Where(d => d.Succeeded).Select(d => (d.Resource, d.Version)).ToHashSet();
        return ids.All(id => Enumerable.Range(1, versions).All(v => delivered.Contains(($"{Type}/{id}", v))));
    }

    /// <summary>Samples a consumer's breaker state often and keeps every change, in order.</summary>
    private sealed class BreakerWatch(IConsumerControl control, string consumer)
    {
        private readonly Lock _gate = new();
        private readonly List<string> _states = [];

        public IReadOnlyList<string> States
        {
            get { lock (_gate) { return [.. _states]; } }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
            do
            {
                var state = control.Describe().Single(c => c.Name == consumer).Breaker;
                lock (_gate)
                {
                    if (_states.Count == 0 || _states[^1] != state)
                    {
                        _states.Add(state);
                    }
                }
            }
            while (await WaitAsync(timer, cancellationToken));
        }

        /// <summary>Waits until the breaker is in <paramref name="state"/> (after having been in <paramref name="after"/>, if given).</summary>
        public async Task WaitForAsync(string state, TimeSpan patience, string? after = null)
        {
            var deadline = TimeProvider.System.GetUtcNow() + patience;
            while (true)
            {
                var states = States;
                var from = after is null ? 0 : states.ToList().IndexOf(after);
                if (from >= 0 && states.Skip(from).Contains(state))
                {
                    return;
                }

                Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"The breaker did not become {state} within {patience}; it went {string.Join(" → ", states)}.");
                await Task.Delay(10);
            }
        }

        private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
        {
            try
            {
                return await timer.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
