using System.Collections.Frozen;
using OrleansConsistency.Runtime.Activation;
using OrleansConsistency.Runtime.Calls;

namespace OrleansConsistency.Runtime.Cluster.Remote;

/// <summary>
/// The grain methods a silo accepts from other silos, by id. Only methods of the registry's grain interfaces are
/// listed, so a request can never name an arbitrary type or method.
/// </summary>
internal sealed class GrainMethodDirectory
{
    private readonly FrozenDictionary<string, GrainMethod> _byId;

    public GrainMethodDirectory(GrainTypeRegistry registry)
    {
        var byId = new Dictionary<string, GrainMethod>(StringComparer.Ordinal);
        foreach (var grainInterface in registry.GrainInterfaces)
        {
            foreach (var method in grainInterface.GetInterfaces().Append(grainInterface).SelectMany(i => i.GetMethods()))
            {
                var grainMethod = GrainMethod.For(method);
                byId.TryAdd(grainMethod.Id, grainMethod);
            }
        }

        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <exception cref="GrainInterfaceNotFoundException">No grain interface of this silo has the method.</exception>
    public GrainMethod Get(string id) =>
        _byId.TryGetValue(id, out var method)
            ? method
            : throw new GrainInterfaceNotFoundException($"This silo has no grain method '{id}'; do all silos run the same grain assemblies?");
}
