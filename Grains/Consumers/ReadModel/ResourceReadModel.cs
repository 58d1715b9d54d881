using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Consumers.ReadModel;

/// <summary>Reads what the <c>read-model</c> consumer projected.</summary>
public sealed class ResourceReadModel(IProjectionStore projections) : IResourceReadModel
{
    /// <summary>The most entries one page may hold.</summary>
    public const int MaxPageSize = 500;

    /// <inheritdoc />
    public async Task<ReadModelEntry?> GetAsync(ResourceKey resource, CancellationToken cancellationToken = default) =>
        await projections.GetAsync(ReadModelConsumer.ProjectionName, resource.Type, resource.Id, cancellationToken) is { } row ? ToEntry(row) : null;

    /// <inheritdoc />
    public async Task<ReadModelPage> ListAsync(string type, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        // One extra row tells whether another page follows, without a count query.
        var rows = await projections.ListAsync(ReadModelConsumer.ProjectionName, type, after, limit + 1, includeDeleted: false, cancellationToken);
        var items = rows.Take(limit).Select(ToEntry).ToList();
        return new ReadModelPage(items, rows.Count > limit ? items[^1].Id : null);
    }

    private static ReadModelEntry ToEntry(ProjectionRow row) =>
        new(row.Partition, row.Key, row.Version, row.Deleted, row.Payload is { } payload ? JsonDocument.Parse(payload).RootElement.Clone() : null, row.AppliedAt, row.ProjectedAt);
}
