namespace OrleansConsistency.Grains.Checkout;

/// <summary>Settings of the checkout saga, under <c>Checkout</c>.</summary>
public sealed class CheckoutOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Checkout";

    /// <summary>The dependency that takes payments (<c>Dependencies:{name}</c>).</summary>
    public string PaymentDependency { get; set; } = "payment";

    /// <summary>The dependency that sends confirmation messages (<c>Dependencies:{name}</c>).</summary>
    public string MessagingDependency { get; set; } = "messaging";

    /// <summary>
    /// How long a checkout may wait for a dependency before the saga gives up and undoes what it did (default 10
    /// minutes, from when the order was placed). Undoing never gives up: it waits for as long as it takes.
    /// </summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(10);
}
