namespace OrleansConsistency.Grains.Checkout;

/// <summary>A checkout step failed for good (declined, out of stock, an impossible cart): the saga undoes what it did.</summary>
internal sealed class CheckoutFailedException(string step, string reason) : Exception(reason)
{
    /// <summary>The step that failed: <c>cart</c>, <c>reserve</c>, <c>charge</c> or <c>confirm</c>.</summary>
    public string Step => step;
}
