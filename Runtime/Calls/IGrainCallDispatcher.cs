namespace OrleansConsistency.Runtime.Calls;

/// <summary>Delivers a call to the activation that owns its target, locally or (in a cluster) on another silo.</summary>
internal interface IGrainCallDispatcher
{
    Task<object?> InvokeAsync(GrainCall call);
}
