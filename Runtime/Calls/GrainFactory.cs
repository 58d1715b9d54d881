using System.Reflection;
using OrleansConsistency.Runtime.Activation;

namespace OrleansConsistency.Runtime.Calls;

/// <summary>Makes grain references for one silo or cluster client.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, IGrainCallDispatcher dispatcher, TimeProvider timeProvider, TimeSpan defaultCallTimeout)
    : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        var grainType = registry.GetGrainType(typeof(TGrainInterface));
        var grainId = GrainId.Create(grainType.Name, primaryKey);
        var reference = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)reference).Bind(grainId, dispatcher, timeProvider, defaultCallTimeout);
        return reference;
    }
}
