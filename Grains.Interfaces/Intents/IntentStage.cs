using System.Text.Json.Serialization;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>One step of an intent's timeline: received, applied, one per required consumer, settled.</summary>
/// <param name="Name">The stage, e.g. <c>received</c>, <c>applied</c>, <c>consumer:read-model</c>, <c>settled</c>.</param>
/// <param name="State">Whether it is done, waiting, not reached, failed or skipped.</param>
/// <param name="At">When it was reached, if it was.</param>
/// <param name="Attempts">How many attempts it took or has taken so far.</param>
/// <param name="Detail">A plain sentence about it, when there is something to say.</param>
/// <param name="Label">What the stage is called on a page for people ("Updating search and lists"): <paramref name="Name"/>
/// stays the stable identifier for programs, the label uses the consumer's display name.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.IntentStage")]
public sealed record IntentStage(
    [property: Id(0)] string Name,
    [property: Id(1)] IntentStageState State,
    [property: Id(2)] DateTimeOffset? At,
    [property: Id(3)] int Attempts = 0,
    [property: Id(4)] string? Detail = null,
    [property: Id(5)] string? Label = null);

/// <summary>The state of one timeline stage.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntentStageState>))]
[GenerateSerializer]
[Alias("oc.IntentStageState")]
public enum IntentStageState
{
    /// <summary>Reached.</summary>
    [JsonStringEnumMemberName("done")]
    Done,

    /// <summary>Being worked on now.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,

    /// <summary>Not reached yet.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Gave up.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Does not apply to this intent (e.g. a refused intent is never applied).</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,
}
