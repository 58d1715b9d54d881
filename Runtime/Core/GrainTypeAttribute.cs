namespace OrleansConsistency.Runtime;

/// <summary>Names a grain class's grain type. Without it the type is the class name without a <c>Grain</c> suffix, in lower case.</summary>
/// <param name="name">The grain type name.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
