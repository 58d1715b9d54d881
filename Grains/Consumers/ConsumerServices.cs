using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime;
using OrleansConsistency.Runtime.Cluster.Leases;
using OrleansConsistency.Runtime.Storage;
using OrleansConsistency.Runtime.Streams;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>What every consumer runner of a silo shares.</summary>
internal sealed record ConsumerServices(
    IGrainFactory GrainFactory,
    IStreamProvider Streams,
    IEventLog Log,
    IConsumerCheckpointStore Checkpoints,
    IConsumerFailureStore Failures,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory,
    TimeSpan SweepInterval,
    ConsumerLeases Leases);
