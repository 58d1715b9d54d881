using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Streams;

/// <summary>A resource's transitions read straight from the events table (silos, and an API that reaches the database).</summary>
public sealed class EventLogResourceHistory(IEventLog log) : IResourceHistory
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<TransitionEvent>> ReadAsync(ResourceKey resource, long fromVersion, int maxCount, CancellationToken cancellationToken = default)
    {
        var page = await log.ReadStreamAsync(resource.StreamNamespace, resource.Id, fromVersion, maxCount, cancellationToken).ConfigureAwait(false);
        return [.. page.Select(record => JsonSerializer.Deserialize(record.Payload, GrainsJsonContext.Default.TransitionEvent)!)];
    }

    /// <inheritdoc />
    public Task<long?> GetOldestVersionAsync(ResourceKey resource, CancellationToken cancellationToken = default) =>
        log.GetOldestVersionAsync(resource.StreamNamespace, resource.Id, cancellationToken);
}
