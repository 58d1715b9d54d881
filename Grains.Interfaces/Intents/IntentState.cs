using System.Text.Json.Serialization;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>Where an intent is, derived from the resource's versions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntentState>))]
[GenerateSerializer]
[Alias("oc.IntentState")]
public enum IntentState
{
    /// <summary>Received, not yet applied.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Applied and durable; not every required consumer has it yet.</summary>
    [JsonStringEnumMemberName("in-progress")]
    InProgress,

    /// <summary>Applied, and every required consumer has acknowledged its version.</summary>
    [JsonStringEnumMemberName("settled")]
    Settled,

    /// <summary>Not applied; the rejection says why.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>Applied, but a required consumer gave up on it.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Parked by the manual conflict policy: nothing applied until a person resolves it.</summary>
    [JsonStringEnumMemberName("conflict")]
    Conflict,
}
