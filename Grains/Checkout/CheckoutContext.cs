using Orleans;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Checkout;

/// <summary>What every run of the checkout saga uses.</summary>
internal sealed record CheckoutContext(
    IGrainFactory Grains,
    IEventLog Log,
    Dependency Payment,
    Dependency Messaging,
    HttpClient Http,
    CheckoutOptions Options,
    TimeProvider TimeProvider);
