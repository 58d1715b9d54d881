using System.Reflection;

namespace OrleansConsistency.Grains;

/// <summary>Names the assembly that holds the product's grain classes, so hosts can register it.</summary>
public static class GrainAssembly
{
    /// <summary>The assembly with the grain classes.</summary>
    public static Assembly Assembly => typeof(GrainAssembly).Assembly;
}
