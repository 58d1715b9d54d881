namespace OrleansConsistency.Runtime;

/// <summary>A grain interface whose grains are identified by a string key.</summary>
#pragma warning disable CA1040 // A marker interface is the Orleans programming model.
public interface IGrainWithStringKey : IGrain
{
}
#pragma warning restore CA1040
