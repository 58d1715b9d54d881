namespace OrleansConsistency.Runtime;

/// <summary>
/// On a grain interface method: calls to it skip the grain's queue and interleave with whatever call is running
/// (one thread at a time). Meant for read-only methods such as status queries that must not wait behind slow writes.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
