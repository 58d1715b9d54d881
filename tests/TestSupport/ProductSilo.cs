using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// One in-process silo of a <see cref="ProductCluster"/>: an Orleans silo with the product's configuration. Two
/// instances are equal when they stand for the same Orleans silo.
/// </summary>
public sealed class ProductSilo : IEquatable<ProductSilo>
{
    internal ProductSilo(InProcessSiloHandle handle) => Handle = handle;

    /// <summary>Orleans' handle of the silo.</summary>
    public InProcessSiloHandle Handle { get; }

    /// <summary>The silo's name.</summary>
    public string Name => Handle.Name;

    /// <summary>The silo's services (its storage, consumers, settlement feed, …).</summary>
    public IServiceProvider Services => Handle.ServiceProvider;

    /// <summary>References whose calls start on this silo (its own hosted client).</summary>
    public IGrainFactory GrainFactory => (IGrainFactory)Services.GetService(typeof(IGrainFactory))!;

    /// <summary>True until the silo is stopped or killed.</summary>
    public bool IsRunning => Handle.IsActive;

    /// <inheritdoc />
    public bool Equals(ProductSilo? other) => other is not null && ReferenceEquals(Handle, other.Handle);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProductSilo);

    /// <inheritdoc />
    public override int GetHashCode() => Handle.GetHashCode();

    /// <summary>True when both stand for the same silo.</summary>
    public static bool operator ==(ProductSilo? left, ProductSilo? right) => left?.Equals(right) ?? right is null;

    /// <summary>True when they stand for different silos.</summary>
    public static bool operator !=(ProductSilo? left, ProductSilo? right) => !(left == right);

    /// <summary>
    /// Runs <paramref name="call"/> with Orleans' placement hint, so that a grain it activates lives on this silo
    /// (Orleans' placement decides otherwise; a grain already active stays where it is).
    /// </summary>
    public async Task<T> PlacedOnAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, Handle.SiloAddress);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
