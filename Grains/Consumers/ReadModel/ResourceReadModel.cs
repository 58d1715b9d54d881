using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Consumers.ReadModel;

/// <summary>
/// Reads what the <c>read-model</c> consumer projected. Rows are kept by scoped type (tenant and type); entries name
/// the bare type, as the caller asked for it in its own tenant.
/// </summary>
public sealed class ResourceReadModel(IProjectionStore projections) : IResourceReadModel
{
    /// <summary>The most entries one page may hold.</summary>
    public const int MaxPageSize = 500;

    /// <inheritdoc />
    public async Task<ReadModelEntry?> GetAsync(ResourceKey resource, CancellationToken cancellationToken = default) =>
        await projections.GetAsync(ReadModelConsumer.ProjectionName, resource.ScopedType, resource.Id, cancellationToken) is { } row ? ToEntry(row, resource.Type) : null;

    /// <inheritdoc />
    public async Task<ReadModelPage> ListAsync(string tenant, string type, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        // One extra row tells whether another page follows, without a count query.
        var rows = await projections.ListAsync(ReadModelConsumer.ProjectionName, ResourceKey.ScopeOf(tenant, type), after, limit + 1, includeDeleted: false, cancellationToken);
        var items = rows.Take(limit).Select(row => ToEntry(row, type)).ToList();
        return new ReadModelPage(items, rows.Count > limit ? items[^1].Id : null);
    }

    private static ReadModelEntry ToEntry(ProjectionRow row, string type) =>
        new(type, row.Key, row.Version, row.Deleted, row.Payload is { } payload ? JsonDocument.Parse(payload).RootElement.Clone() : null, row.AppliedAt, row.ProjectedAt);
}
