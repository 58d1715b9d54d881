using System.Text.Json;

namespace OrleansConsistency.Grains.Checkout;

/// <summary>
/// What an order's checkout intent asks for, from its payload's <c>checkout</c> member:
/// <c>{"cart": "c-42", "cartVersion": 3, "card": "4242424242424242", "email": "ada@example.com"}</c>.
/// </summary>
internal sealed record CheckoutRequest(string Cart, long CartVersion, string Card, string Email)
{
    public const string Member = "checkout";

    /// <summary>The request in the payload, null when the payload is not a checkout; throws when it is one but malformed.</summary>
    public static CheckoutRequest? From(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty(Member, out var checkout))
        {
            return null;
        }

        if (checkout.ValueKind != JsonValueKind.Object
            || !TryString(checkout, "cart", out var cart)
            || !checkout.TryGetProperty("cartVersion", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt64(out var cartVersion) || cartVersion < 1
            || !TryString(checkout, "card", out var card)
            || !TryString(checkout, "email", out var email))
        {
            throw new CheckoutFailedException("cart", "the checkout request needs a cart, its cartVersion (1 or more), a card and an email");
        }

        return new CheckoutRequest(cart, cartVersion, card, email);
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString()! : string.Empty;
        return value.Length > 0;
    }
}
