namespace OrleansConsistency.Storage.Streams;

/// <summary>Identifies a stream: a namespace (e.g. <c>resource/orders</c>) and a key within it (e.g. the resource id).</summary>
/// <param name="Namespace">The stream's namespace.</param>
/// <param name="Key">The stream's key.</param>
public readonly record struct EventStreamId(string Namespace, string Key)
{
    /// <summary>Returns <c>namespace:key</c>.</summary>
    public override string ToString() => $"{Namespace}:{Key}";
}
