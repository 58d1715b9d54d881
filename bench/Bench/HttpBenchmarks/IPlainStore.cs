using System.Text.Json.Nodes;

namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>The plain baseline's storage: one database transaction per intent.</summary>
internal interface IPlainStore : IAsyncDisposable
{
    /// <summary>Creates the three tables (resources, intents, events) if they are missing.</summary>
    Task CreateTablesAsync();

    /// <summary>
    /// In one transaction: reads the resource, replays the answer recorded for <paramref name="key"/> if there is one,
    /// checks <paramref name="expectedVersion"/>, applies the increment and writes resource, intent and event.
    /// </summary>
    Task<PlainAnswer> SubmitAsync(string type, string id, string key, long? expectedVersion, JsonObject increment, CancellationToken cancellationToken);

    /// <summary>The durability settings actually in effect, for the report.</summary>
    Task<string> DescribeAsync();
}
