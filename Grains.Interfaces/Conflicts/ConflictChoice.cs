using System.Text.Json.Serialization;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>What a person chose for an intent parked by the manual policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConflictChoice>))]
[GenerateSerializer]
[Alias("oc.ConflictChoice")]
public enum ConflictChoice
{
    /// <summary>Apply the parked intent as it was sent: its values replace the others.</summary>
    [JsonStringEnumMemberName("keep-mine")]
    KeepMine,

    /// <summary>Keep the values changed since; apply only the parts of the intent nobody else changed.</summary>
    [JsonStringEnumMemberName("keep-theirs")]
    KeepTheirs,

    /// <summary>Apply an explicit value (a JSON Merge Patch) instead of the intent.</summary>
    [JsonStringEnumMemberName("value")]
    Value,
}
