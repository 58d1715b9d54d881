namespace OrleansConsistency.Runtime;

/// <summary>Marker for grain interfaces. Every method of a grain interface returns a Task or ValueTask.</summary>
#pragma warning disable CA1040 // A marker interface is the Orleans programming model.
public interface IGrain
{
}
#pragma warning restore CA1040
