using Microsoft.Extensions.Logging;
using Orleans;
using Polly.Registry;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>What every consumer runner of a silo shares.</summary>
internal sealed record ConsumerServices(
    IGrainFactory GrainFactory,
    EventQueues Queues,
    IEventLog Log,
    IConsumerCheckpointStore Checkpoints,
    IConsumerFailureStore Failures,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory,
    ResiliencePipelineRegistry<string> Pipelines,
    TimeSpan SweepInterval);
