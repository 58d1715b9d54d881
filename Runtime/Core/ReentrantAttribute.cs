namespace OrleansConsistency.Runtime;

/// <summary>
/// Lets calls to this grain class interleave at await points (still one thread at a time). Without it a grain
/// is non-reentrant: each call runs to completion before the next one starts. Use sparingly: interleaving means
/// the grain's state may change across an await.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute
{
}
