namespace OrleansConsistency.Grains.Checkout;

/// <summary>One line of a cart: how many of an inventory item, at what unit price.</summary>
internal sealed record CartLine(string Sku, long Quantity, long PriceCents);
