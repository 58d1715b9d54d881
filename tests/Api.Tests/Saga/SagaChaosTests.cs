using System.Collections.Concurrent;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>Many checkouts against a payment service that fails often and sometimes answers too late.</summary>
[Collection(SagaCollection.Name)]
public sealed class SagaChaosTests(ITestOutputHelper output)
{
    private const int Orders = 200;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task PaymentFailing30PercentAndTimingOut10Percent_EveryCheckoutEndsSettledOrFailed_NoneChargedTwice_StockAddsUp()
    {
        await using var payment = await LoopbackService.StartAsync("payment");
        await using var messaging = await LoopbackService.StartAsync("messaging");
        using var factory = new SagaApiFactory(payment.Address, messaging.Address);
        using var api = factory.CreateClient();
        var shop = new Shop(api);
        using var bound = new CancellationTokenSource(Bound);

        // Gloves are scarce (10 for 50 orders) and every tenth card is declined: some checkouts must fail and undo.
        var stock = new Dictionary<string, long> { ["socks"] = 150, ["hats"] = 70, ["scarves"] = 40, ["gloves"] = 10 };
        foreach (var (sku, count) in stock)
        {
            await shop.StockAsync(sku, count);
        }

        var orders = new ConcurrentBag<PlacedOrder>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = bound.Token }, async (i, _) =>
        {
            var items = new Dictionary<string, long>();
            if (i % 2 == 0 || i % 3 != 0 && i % 5 != 0 && i % 4 != 0) { items["socks"] = 1; }
            if (i % 3 == 0) { items["hats"] = 1; }
            if (i % 5 == 0) { items["scarves"] = 1; }
            if (i % 4 == 0) { items["gloves"] = 1; }
            var cartVersion = await shop.CartAsync($"chaos-c{i}", items);
            var card = i % 10 == 7 ? Shop.DeclinedCard : Shop.GoodCard;
            orders.Add(new PlacedOrder($"chaos-o{i}", "checkout-" + $"chaos-o{i}", items, items.Values.Sum() * 250, "ada@example.com"));
            if (i == 0)
            {
                await payment.SetChaosAsync(new { failureRate = 0.3, timeoutRate = 0.1, hangMilliseconds = 1500 });
            }

            await shop.CheckoutAsync($"chaos-o{i}", $"chaos-c{i}", cartVersion, card);
        });

        var finals = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = bound.Token }, async (order, token) =>
            finals[order.Id] = await shop.FinalAsync(order.Id, order.Key, token));
        await payment.SetChaosAsync(new { });

        var ledger = (await payment.LedgerAsync()).EnumerateArray().ToList();
        output.WriteLine($"settled {finals.Values.Count(f => f.GetProperty("state").GetString() == "settled")}, failed {finals.Values.Count(f => f.GetProperty("state").GetString() == "failed")}; "
            + $"charge requests {ledger.Sum(c => c.GetProperty("requests").GetInt32())} for {ledger.Count(c => c.GetProperty("timesCharged").GetInt32() == 1)} charges");
        output.WriteLine(finals.Values.First(f => f.GetProperty("state").GetString() == "failed").GetProperty("message").GetString());

        await SagaBooks.AssertBalancedAsync(shop, payment, messaging, [.. orders], stock, finals);
        Assert.Contains(finals.Values, f => f.GetProperty("state").GetString() == "settled");
        Assert.Contains(finals.Values, f => f.GetProperty("message").GetString()!.Contains("was declined", StringComparison.Ordinal));
        Assert.Contains(finals.Values, f => f.GetProperty("message").GetString()!.Contains("out of stock", StringComparison.Ordinal));

        // The chaos was real: charges were retried (more requests than charges) and some answers came too late.
        Assert.True(ledger.Sum(c => c.GetProperty("requests").GetInt32()) > ledger.Count(c => c.GetProperty("timesCharged").GetInt32() == 1));
    }
}
