using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Resources;

/// <summary>The body of <c>GET /v1/resources/{type}/{id}</c>.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The last applied version; also the ETag.</param>
/// <param name="SettledVersion">The highest version every required consumer has acknowledged.</param>
/// <param name="Exists">True: a deleted or never-created resource answers 404 instead.</param>
/// <param name="Document">The resource's JSON document.</param>
/// <param name="UpdatedAt">When the last version was applied.</param>
internal sealed record ResourceResponse(
    string Type,
    string Id,
    long Version,
    long SettledVersion,
    bool Exists,
    JsonElement? Document,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>The wire form of a snapshot.</summary>
    public static ResourceResponse From(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Type, snapshot.Id, snapshot.Version, snapshot.SettledVersion, snapshot.Exists, snapshot.Document, snapshot.UpdatedAt);
    }
}
