namespace OrleansConsistency.Runtime.Storage;

/// <summary>A bound persistent state the runtime reads before the grain's <c>OnActivateAsync</c>.</summary>
internal interface IStateLoader
{
    Task ReadStateAsync();
}
