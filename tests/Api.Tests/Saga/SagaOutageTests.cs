using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>The payment service goes down for 5 seconds while orders are placed, and comes back.</summary>
[Collection(SagaCollection.Name)]
public sealed class SagaOutageTests(ITestOutputHelper output)
{
    private const int Orders = 12;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task PaymentDownFor5Seconds_BreakerOpens_OrdersSayWhatTheyWaitFor_CartsAndStockKeepSettling_AndEveryOrderFinishesAfter()
    {
        await using var payment = await LoopbackService.StartAsync("payment");
        await using var messaging = await LoopbackService.StartAsync("messaging");
        using var factory = new SagaApiFactory(payment.Address, messaging.Address);
        using var api = factory.CreateClient();
        var shop = new Shop(api);
        using var bound = new CancellationTokenSource(Bound);
        var stock = new Dictionary<string, long> { ["lamps"] = 100 };
        await shop.StockAsync("lamps", 100);
        var carts = new List<(string Cart, long Version)>();
        for (var i = 0; i < Orders; i++)
        {
            carts.Add(($"out-c{i}", await shop.CartAsync($"out-c{i}", new Dictionary<string, long> { ["lamps"] = 2 })));
        }

        await payment.SetChaosAsync(new { outage = true });
        var down = Stopwatch.StartNew();
        var orders = new List<PlacedOrder>();
        for (var i = 0; i < Orders; i++)
        {
            var key = await shop.CheckoutAsync($"out-o{i}", carts[i].Cart, carts[i].Version, Shop.GoodCard);
            orders.Add(new PlacedOrder($"out-o{i}", key, new Dictionary<string, long> { ["lamps"] = 2 }, 500, "ada@example.com"));
        }

        // The payment dependency's breaker opens, and /health/ready shows it (the API stays ready: degraded).
        var ready = await UntilAsync(shop.ReadyAsync, r => Dependency(r, "payment").GetProperty("breaker").GetString() == "open", bound.Token);
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        var paymentState = Dependency(ready, "payment");
        Assert.True(paymentState.TryGetProperty("breakerOpenUntil", out _));
        Assert.Equal(8, paymentState.GetProperty("slotLimit").GetInt32());
        Assert.True(paymentState.GetProperty("slotsInUse").GetInt32() >= 0 && paymentState.GetProperty("queued").GetInt32() >= 0);
        Assert.Equal("closed", Dependency(ready, "messaging").GetProperty("breaker").GetString());

        // An order in the outage is in progress, and its checkout stage says what it waits for and when it tries again.
        var waiting = await UntilAsync(
            () => shop.StatusAsync("orders", orders[0].Id, orders[0].Key),
            s => Stage(s, "consumer:checkout").GetProperty("detail").GetString() is { } detail && detail.Contains("waiting to charge the payment", StringComparison.Ordinal) && detail.Contains("Next try at", StringComparison.Ordinal),
            bound.Token);
        Assert.Equal("in-progress", waiting.GetProperty("state").GetString());
        Assert.Equal("waiting", Stage(waiting, "consumer:checkout").GetProperty("state").GetString());
        output.WriteLine(Stage(waiting, "consumer:checkout").GetProperty("detail").GetString());
        Assert.True(down.Elapsed < Outage, "the outage ended before the test could see it; the machine is too slow for this test");

        // Meanwhile carts and stock changes settle as usual: only the work that needs the payment service waits.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("settled", (await SubmitAndWaitAsync(api, "carts", $"out-other-c{i}", """{"op":"set","payload":{"items":{}}}""")).GetProperty("state").GetString());
            Assert.Equal("settled", (await SubmitAndWaitAsync(api, "inventory", $"out-other-i{i}", """{"op":"set","payload":{"stock":5}}""")).GetProperty("state").GetString());
        }

        if (Outage - down.Elapsed is { } rest && rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, bound.Token);
        }

        await payment.SetChaosAsync(new { });
        var finals = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            finals[order.Id] = await shop.FinalAsync(order.Id, order.Key, bound.Token);
            Assert.Equal("settled", finals[order.Id].GetProperty("state").GetString());
        }

        await SagaBooks.AssertBalancedAsync(shop, payment, messaging, orders, stock, finals);
    }

    private static JsonElement Dependency(JsonElement ready, string name) =>
        ready.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);

    private static JsonElement Stage(JsonElement status, string name) =>
        status.GetProperty("timeline").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static async Task<JsonElement> SubmitAndWaitAsync(HttpClient api, string type, string id, string json)
    {
        using var request = ApiClient.Intent(type, id, ApiClient.NewId(), json).WithHeader("Prefer", "wait=5");
        using var response = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> UntilAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, CancellationToken bound)
    {
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(50, bound);
        }
    }
}
