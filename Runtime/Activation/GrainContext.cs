using OrleansConsistency.Runtime.Hosting;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>What a grain instance is bound to: its id, its activation, the silo, and the stored states read before activation.</summary>
internal sealed class GrainContext(GrainId grainId, ActivationData activation, SiloRuntime runtime)
{
    /// <summary>Set only while the grain's constructor runs, so the <see cref="Grain"/> base constructor can bind itself.</summary>
    [ThreadStatic]
    private static GrainContext? _constructing;

    public static GrainContext? Constructing => _constructing;

    public GrainId GrainId { get; } = grainId;

    public ActivationData Activation { get; } = activation;

    public SiloRuntime Runtime { get; } = runtime;

    public List<IStateLoader> States { get; } = [];

    public Grain Construct(Func<Grain> constructor)
    {
        _constructing = this;
        try
        {
            return constructor();
        }
        finally
        {
            _constructing = null;
        }
    }
}
