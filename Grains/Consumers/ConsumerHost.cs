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
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Cluster.Leases;
using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// Starts a runner for every enabled consumer when the silo starts (configured built-ins by kind, plus every
/// <see cref="IResourceConsumer"/> the application registered), and stops them with it.
/// </summary>
public sealed class ConsumerHost(IServiceProvider services, IOptions<ConsumersOptions> options) : IHostedService, IConsumerControl
{
    private readonly Dictionary<string, ConsumerRunner> _runners = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<Orleans.Runtime.ILocalSiloDetails>() is null)
        {
            return Task.CompletedTask; // A pure cluster client: the silos run the consumers.
        }

        var shared = new ConsumerServices(
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<IEventStreams>(),
            services.GetRequiredService<IEventLog>(),
            services.GetRequiredService<IConsumerCheckpointStore>(),
            services.GetRequiredService<IConsumerFailureStore>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>(),
            options.Value.SweepInterval,
            services.GetRequiredService<ConsumerLeases>());
        var applicationConsumers = services.GetServices<IResourceConsumer>().ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var (name, consumerOptions) in options.Value.Consumers.Where(c => c.Value.Enabled))
        {
            consumerOptions.Validate(name);
            _runners[name] = new ConsumerRunner(name, consumerOptions, Create(name, consumerOptions, applicationConsumers), shared);
        }

        foreach (var (name, consumer) in applicationConsumers.Where(c => !_runners.ContainsKey(c.Key)))
        {
            _runners[name] = new ConsumerRunner(name, new ConsumerOptions(), consumer, shared);
        }

        foreach (var runner in _runners.Values)
        {
            runner.Start();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_runners.Values.Select(r => r.DisposeAsync().AsTask())).WaitAsync(cancellationToken);
        _runners.Clear();
    }

    /// <inheritdoc />
    public IReadOnlyList<ConsumerState> Describe() => [.. _runners.Values.Select(r => r.Describe())];

    /// <inheritdoc />
    public Task<int> RetryAsync(string consumer, ResourceKey resource, CancellationToken cancellationToken = default) =>
        Runner(consumer).RetryFailedAsync(resource, cancellationToken);

    /// <inheritdoc />
    public void PauseConsumer(string consumer) => Runner(consumer).Pause();

    /// <inheritdoc />
    public void ResumeConsumer(string consumer) => Runner(consumer).Resume();

    private ConsumerRunner Runner(string consumer) =>
        _runners.TryGetValue(consumer, out var runner)
            ? runner
            : throw new KeyNotFoundException($"No consumer named '{consumer}' runs in this silo; known: {string.Join(", ", _runners.Keys)}.");

    private IResourceConsumer Create(string name, ConsumerOptions consumerOptions, Dictionary<string, IResourceConsumer> applicationConsumers) =>
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
