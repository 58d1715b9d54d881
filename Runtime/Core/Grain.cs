using OrleansConsistency.Runtime.Activation;

namespace OrleansConsistency.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime creates grains (never <c>new</c> them): dependencies and
/// <c>[PersistentState]</c> come in through the constructor, stored state is read before
/// <see cref="OnActivateAsync"/>, and calls run one at a time unless the class is <see cref="ReentrantAttribute"/>.
/// </summary>
public abstract class Grain
{
    private readonly GrainContext _context;

    /// <summary>Binds the grain to the activation the runtime is creating.</summary>
    /// <exception cref="InvalidOperationException">The grain was created outside the runtime.</exception>
    protected Grain()
    {
        _context = GrainContext.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} is a grain: get a reference with IGrainFactory.GetGrain instead of creating it.");
    }

    /// <summary>This grain's id.</summary>
    public GrainId GrainId => _context.GrainId;

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => _context.Runtime.GrainFactory;

    /// <summary>The silo's clock.</summary>
    protected TimeProvider TimeProvider => _context.Runtime.TimeProvider;

    /// <summary>Called after stored state was read and before the first call runs. An exception here fails the activation and every call waiting for it.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation goes away (idle, cap, shutdown, request). Bounded by the silo's deactivation timeout.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Returns the grain's string key.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>Asks the runtime to deactivate this grain once the current call has finished; the next call reactivates it from storage.</summary>
    protected void DeactivateOnIdle() =>
        _context.Activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The grain asked to be deactivated."), onlyIfIdle: false);
}
