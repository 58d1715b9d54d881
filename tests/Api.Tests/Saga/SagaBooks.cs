using System.Text.Json;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>
/// Checks that everything adds up after a run of checkouts: every order ended settled or failed; the payment service's
/// own ledger took money at most once per order (and kept it only for settled ones); each settled order got one
/// confirmation; every failed order's stock was released; and each item's stock plus its reservations is exactly
/// what it started with.
/// </summary>
internal static class SagaBooks
{
    public static async Task AssertBalancedAsync(
        Shop shop,
        LoopbackService payment,
        LoopbackService messaging,
        IReadOnlyList<PlacedOrder> orders,
        IReadOnlyDictionary<string, long> initialStock,
        IReadOnlyDictionary<string, JsonElement> finals)
    {
        var settled = orders.Where(o => finals[o.Id].GetProperty("state").GetString() == "settled").ToDictionary(o => o.Id, StringComparer.Ordinal);
        foreach (var order in orders)
        {
            var state = finals[order.Id].GetProperty("state").GetString();
            Assert.True(state is "settled" or "failed", $"{order.Id} ended {state}");
            if (state == "failed")
            {
                var message = finals[order.Id].GetProperty("message").GetString()!;
                Assert.StartsWith("Checkout failed: ", message, StringComparison.Ordinal);
                Assert.True(message.Contains("Undone: ", StringComparison.Ordinal) || message.Contains("nothing needed undoing", StringComparison.Ordinal), message);
            }
        }

        var charges = (await payment.LedgerAsync()).EnumerateArray().ToList();
        Assert.All(charges, c => Assert.InRange(c.GetProperty("timesCharged").GetInt32(), 0, 1));
        var byOrder = charges.Where(c => c.GetProperty("timesCharged").GetInt32() == 1).GroupBy(c => c.GetProperty("orderId").GetString()!).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var order in orders)
        {
            var taken = byOrder.GetValueOrDefault(order.Id) ?? [];
            Assert.True(taken.Count <= 1, $"{order.Id} was charged {taken.Count} times");
            if (settled.ContainsKey(order.Id))
            {
                var charge = Assert.Single(taken);
                Assert.Equal("charged", charge.GetProperty("status").GetString());
                Assert.Equal(order.AmountCents, charge.GetProperty("amountCents").GetInt64());
            }
            else
            {
                Assert.All(taken, c => Assert.Equal("refunded", c.GetProperty("status").GetString()));
            }
        }

        var messages = (await messaging.LedgerAsync()).EnumerateArray().ToList();
        Assert.All(messages, m => Assert.Equal(1, m.GetProperty("timesSent").GetInt32()));
        foreach (var order in orders)
        {
            var sent = messages.Count(m => m.GetProperty("subject").GetString() == $"Order {order.Id} confirmed");
            Assert.True(sent == (settled.ContainsKey(order.Id) ? 1 : 0), $"{order.Id} ({finals[order.Id].GetProperty("state").GetString()}) got {sent} confirmations");
        }

        foreach (var (sku, initial) in initialStock)
        {
            var (stock, reserved) = await shop.InventoryAsync(sku);
            var expected = settled.Values.Where(o => o.Items.ContainsKey(sku)).ToDictionary(o => o.Id, o => o.Items[sku], StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), reserved.OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(initial, stock + reserved.Values.Sum());
        }
    }
}
