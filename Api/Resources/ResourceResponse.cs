using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Resources;

/// <summary>The body of <c>GET /v1/resources/{type}/{id}</c>.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The version of the document shown; also the ETag.</param>
/// <param name="SettledVersion">The highest version every required consumer has acknowledged (always from the resource itself).</param>
/// <param name="Exists">True: a deleted or never-created resource answers 404 instead.</param>
/// <param name="Document">The resource's JSON document.</param>
/// <param name="UpdatedAt">When the version shown was applied.</param>
/// <param name="Source">Where the document came from: <c>grain</c> (the resource itself) or <c>read-model</c>.</param>
/// <param name="Consistency">The consistency level the read was served at.</param>
/// <param name="Lag">For read-model answers, how far behind the resource they are; absent for answers from the grain.</param>
/// <param name="Stale">
/// Present only when the resource itself could not answer in time and the read model's last copy is shown instead:
/// why, and how old that copy is. Newer versions may exist; <c>settledVersion</c> is then the version shown.
/// </param>
internal sealed record ResourceResponse(
    string Type,
    string Id,
    long Version,
    long SettledVersion,
    bool Exists,
    JsonElement? Document,
    DateTimeOffset? UpdatedAt,
    string Source = ResourceResponse.GrainSource,
    string Consistency = ReadConsistencies.Strong,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResourceLag? Lag = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResourceStaleness? Stale = null)
{
    public const string GrainSource = "grain";

    public const string ReadModelSource = "read-model";

    /// <summary>The wire form of a snapshot.</summary>
    public static ResourceResponse From(ResourceSnapshot snapshot, string consistency = ReadConsistencies.Strong)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Type, snapshot.Id, snapshot.Version, snapshot.SettledVersion, snapshot.Exists, snapshot.Document, snapshot.UpdatedAt, GrainSource, consistency);
    }

    /// <summary>
    /// The read model's copy shown because the resource could not answer: the read model has projected it, which is all
    /// that is known of settlement, so its version stands in for the settled version.
    /// </summary>
    public static ResourceResponse FromStaleCopy(ReadModelEntry entry, string consistency, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var age = Math.Max(0, Math.Round((now - entry.AppliedAt).TotalSeconds, 3));
        return new(entry.Type, entry.Id, entry.Version, entry.Version, !entry.Deleted, entry.Document, entry.AppliedAt, ReadModelSource, consistency,
            Stale: new ResourceStaleness(reason, age, entry.ProjectedAt));
    }

    /// <summary>The wire form of a read-model entry, with the settled version and lag learned from the resource's snapshot.</summary>
    public static ResourceResponse From(ReadModelEntry entry, ResourceSnapshot snapshot, string consistency, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(snapshot);
        var behind = Math.Max(0, snapshot.Version - entry.Version);
        var seconds = behind == 0 ? 0 : Math.Max(0, Math.Round((now - entry.AppliedAt).TotalSeconds, 3));
        return new(entry.Type, entry.Id, entry.Version, snapshot.SettledVersion, !entry.Deleted, entry.Document, entry.AppliedAt, ReadModelSource, consistency, new ResourceLag(behind, seconds));
    }
}
