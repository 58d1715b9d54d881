using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansConsistency.Grains.Checkout;
using OrleansConsistency.Grains.Consumers.ReadModel;
using OrleansConsistency.Grains.Consumers.Webhooks;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;
using Polly.Registry;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// The silo's consumers: a runner for every enabled consumer (configured built-ins by kind, plus every
/// <see cref="IResourceConsumer"/> the application registered), created when first needed (a subscriber grain may
/// activate before the host starts), with their sweeps started and stopped with the silo.
/// </summary>
public sealed class ConsumerHost(IServiceProvider services, IOptions<ConsumersOptions> options) : IHostedService, IConsumerControl
{
    private readonly Lazy<Dictionary<string, ConsumerRunner>> _runners = new(() => CreateRunners(services, options.Value));

    internal IEnumerable<ConsumerRunner> Runners => _runners.Value.Values;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<Orleans.Runtime.ILocalSiloDetails>() is null)
        {
            return Task.CompletedTask; // A pure cluster client: the silos run the consumers.
        }

        foreach (var runner in Runners)
        {
            runner.Start();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_runners.IsValueCreated)
        {
            try
            {
                await Task.WhenAll(Runners.Select(r => r.DisposeAsync().AsTask())).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A stop that may not wait (a killed silo, or the host's shutdown timeout): the runners were told to
                // stop and finish by themselves; throwing here would fail the rest of the host's shutdown.
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ConsumerState> Describe() => services.GetService<Orleans.Runtime.ILocalSiloDetails>() is null ? [] : [.. Runners.Select(r => r.Describe())];

    /// <inheritdoc />
    public async Task<int> RetryAsync(string consumer, ResourceKey resource, CancellationToken cancellationToken = default)
    {
        _ = Runner(consumer); // An unknown name is refused here, before any grain is called.
        return await services.GetRequiredService<IGrainFactory>().GetGrain<IResourceConsumersGrain>(resource.GrainKey).RetryFailed(consumer).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void PauseConsumer(string consumer) => Runner(consumer).Pause();

    /// <inheritdoc />
    public void ResumeConsumer(string consumer) => Runner(consumer).Resume();

    internal ConsumerRunner Runner(string consumer) =>
        _runners.Value.TryGetValue(consumer, out var runner)
            ? runner
            : throw new KeyNotFoundException($"No consumer named '{consumer}' runs in this silo; known: {string.Join(", ", _runners.Value.Keys)}.");

    private static Dictionary<string, ConsumerRunner> CreateRunners(IServiceProvider services, ConsumersOptions options)
    {
        var runners = new Dictionary<string, ConsumerRunner>(StringComparer.Ordinal);
        var shared = new ConsumerServices(
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredKeyedService<EventQueues>(ResourceStreams.ProviderName),
            services.GetRequiredService<IEventLog>(),
            services.GetRequiredService<IConsumerCheckpointStore>(),
            services.GetRequiredService<IConsumerFailureStore>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<ResiliencePipelineRegistry<string>>(),
            options.SweepInterval);
        var applicationConsumers = services.GetServices<IResourceConsumer>().ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var (name, consumerOptions) in options.Consumers.Where(c => c.Value.Enabled))
        {
            consumerOptions.Validate(name);
            runners[name] = new ConsumerRunner(name, consumerOptions, Create(services, name, consumerOptions, applicationConsumers), shared);
        }

        foreach (var (name, consumer) in applicationConsumers.Where(c => !runners.ContainsKey(c.Key)))
        {
            runners[name] = new ConsumerRunner(name, new ConsumerOptions(), consumer, shared);
        }

        return runners;
    }

    private static IResourceConsumer Create(IServiceProvider services, string name, ConsumerOptions consumerOptions, Dictionary<string, IResourceConsumer> applicationConsumers) =>
        consumerOptions.Kind switch
        {
            ReadModelConsumer.Kind => new ReadModelConsumer(name, services.GetRequiredService<IProjectionStore>(), services.GetRequiredService<TimeProvider>()),
            WebhookConsumer.Kind => new WebhookConsumer(
                name,
                consumerOptions,
                services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookConsumer.HttpClientName),
                services.GetRequiredService<TimeProvider>()),
            CheckoutProcessManager.Kind => new CheckoutProcessManager(
                name,
                services.GetRequiredService<IGrainFactory>(),
                services.GetRequiredService<IEventLog>(),
                services.GetRequiredService<DependencyRegistry>(),
                services.GetRequiredService<IHttpClientFactory>().CreateClient(DependencyHttp.HttpClientName),
                services.GetRequiredService<IOptions<CheckoutOptions>>().Value,
                services.GetRequiredService<TimeProvider>()),
            "in-process" => applicationConsumers.TryGetValue(name, out var consumer)
                ? consumer
                : throw new InvalidOperationException($"Consumers:{name} is an in-process consumer, but no IResourceConsumer named '{name}' is registered."),
            _ => throw new InvalidOperationException($"Consumers:{name}:Kind '{consumerOptions.Kind}' is not known; use read-model, webhook, checkout or in-process."),
        };
}
