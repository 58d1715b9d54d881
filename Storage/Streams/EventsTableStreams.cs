using System.Diagnostics.Metrics;
using Orleans.Runtime;
using OrleansConsistency.Storage.Telemetry;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// The streams the events table feeds. Each row is delivered on its own stream (its namespace and key, e.g.
/// <c>resource/orders</c> and <c>42</c>) and on its namespace's feed (<see cref="NamespaceFeedNamespace"/>, key = the
/// row's namespace), which follows every stream of a namespace.
/// </summary>
public static class EventsTableStreams
{
    /// <summary>The namespace of the per-namespace feeds.</summary>
    public const string NamespaceFeedNamespace = "namespace-feed";

    /// <summary>Event rows read from the table by this process's queue receivers.</summary>
    internal static readonly Counter<long> Read = StorageTelemetry.Meter.CreateCounter<long>("oc.streams.rows_read", unit: "{row}", description: "Event rows read from the events table by stream queues.");

    /// <summary>The feed stream of every event of a namespace.</summary>
    public static StreamId NamespaceFeed(string streamNamespace) => StreamId.Create(NamespaceFeedNamespace, streamNamespace);
}
