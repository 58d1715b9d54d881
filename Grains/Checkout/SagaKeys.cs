using OrleansConsistency.Grains.Interfaces.Resources;
using System.Security.Cryptography;
using System.Text;

namespace OrleansConsistency.Grains.Checkout;

/// <summary>
/// Idempotency keys of a saga's steps, derived from the order and its checkout intent's key: the same on every attempt
/// and after every restart, so each step applies once, here and at the payment and messaging services.
/// </summary>
internal sealed class SagaKeys(ResourceKey order, string intentKey)
{
    // The order's grain key names its tenant too (and is "orders/{id}" in the default one, as before tenants existed).
    private readonly string _base = "checkout:" + Hash($"{order.GrainKey}\n{intentKey}");

    public string Charge => _base + ":charge";

    public string Refund => _base + ":refund";

    public string Confirm => _base + ":confirm";

    public string Progress(string stage) => $"{_base}:saga:{stage}";

    public string Inventory(string action, string sku, long version) => Bounded($"{_base}:{action}:v{version}:{sku}");

    // Keys are at most 255 characters; a long SKU is replaced by its hash, which is just as stable.
    private static string Bounded(string key) => key.Length <= 255 ? key : key[..200] + Hash(key);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
}
