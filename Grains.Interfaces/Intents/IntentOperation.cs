using System.Text.Json.Serialization;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Intents;

/// <summary>What an intent does to a resource's JSON document.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntentOperation>))]
[GenerateSerializer]
[Alias("oc.IntentOperation")]
public enum IntentOperation
{
    /// <summary>Replace the document with the payload (an object).</summary>
    [JsonStringEnumMemberName("set")]
    Set,

    /// <summary>Apply the payload as an RFC 7396 JSON Merge Patch (an object; null removes a field).</summary>
    [JsonStringEnumMemberName("merge")]
    Merge,

    /// <summary>Add numbers to numeric fields: <c>{"count": 2, "stock": -1}</c>; a missing field counts from 0.</summary>
    [JsonStringEnumMemberName("increment")]
    Increment,

    /// <summary>Add members to set-valued (array) fields: <c>{"tags": ["a", "b"]}</c>; members already present are kept once.</summary>
    [JsonStringEnumMemberName("add")]
    Add,

    /// <summary>Remove members from set-valued (array) fields: <c>{"tags": ["a"]}</c>.</summary>
    [JsonStringEnumMemberName("remove")]
    Remove,

    /// <summary>Delete the resource; a later <c>set</c> or <c>merge</c> creates it again at the next version.</summary>
    [JsonStringEnumMemberName("delete")]
    Delete,
}
