using System.Reflection;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>A grain class as the runtime sees it: its type name, how to construct it, and whether it is reentrant.</summary>
internal sealed record GrainTypeInfo(string Name, Type GrainClass, ConstructorInfo Constructor, bool IsReentrant);
