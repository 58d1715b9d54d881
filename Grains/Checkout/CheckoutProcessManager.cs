using Orleans;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Checkout;

/// <summary>
/// The process manager of the checkout saga: a consumer of <c>orders</c> events that runs the saga for every intent
/// whose payload has a <c>checkout</c> member (other order events pass at once). Being a required consumer of
/// <c>orders</c>, it is what keeps the order's checkout intent in progress until the saga ends: settled when it
/// completed, failed (with what happened and what was undone) when it compensated.
/// </summary>
public sealed class CheckoutProcessManager : IResourceConsumer
{
    /// <summary>The consumer kind in configuration.</summary>
    public const string Kind = "checkout";

    private readonly CheckoutContext _context;

    /// <summary>Creates the process manager, or throws when a dependency it needs is not configured.</summary>
    /// <exception cref="InvalidOperationException">The payment or messaging dependency is missing or has no base URL.</exception>
    public CheckoutProcessManager(string name, IGrainFactory grains, IEventLog log, DependencyRegistry dependencies, HttpClient http, CheckoutOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _context = new CheckoutContext(grains, log, Required(dependencies, options.PaymentDependency), Required(dependencies, options.MessagingDependency), http, options, timeProvider);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task HandleAsync(TransitionEvent transition, ConsumerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        CheckoutRequest? request;
        try
        {
            request = CheckoutRequest.From(transition.Payload);
        }
        catch (CheckoutFailedException malformed)
        {
            throw new PoisonEventException($"Checkout failed: {malformed.Message}. Nothing was done.");
        }

        if (request is null || transition.IntentKey is null)
        {
            return;
        }

        await new CheckoutSaga(_context, transition, request).RunAsync(cancellationToken);
    }

    private static Dependency Required(DependencyRegistry dependencies, string name) =>
        dependencies.TryGet(name, out var dependency) && dependency.Options.BaseUrl is not null
            ? dependency
            : throw new InvalidOperationException($"The checkout needs Dependencies:{name}:BaseUrl (the {name} service's address).");
}
