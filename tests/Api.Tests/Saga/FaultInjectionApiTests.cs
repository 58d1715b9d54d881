using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>/admin/faults: off by default; when on, it breaks a named dependency or storage on demand, and heals it.</summary>
[Collection(SagaCollection.Name)]
public sealed class FaultInjectionApiTests
{
    [Fact]
    public async Task ByDefault_TheAdminEndpointIsNotThere()
    {
        using var factory = new ApiFactory();
        using var api = factory.CreateClient();
        using var response = await api.PutAsJsonAsync("/admin/faults/dependencies/payment", new { outage = true });
        await ApiClient.AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");

        var ready = await api.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.All(ready.GetProperty("dependencies").EnumerateArray(), d => Assert.Equal("closed", d.GetProperty("breaker").GetString()));
    }

    [Fact]
    public async Task AnInjectedOutage_KeepsCheckoutsWaitingWithoutReachingTheService_AndClearingItLetsThemFinish()
    {
        await using var payment = await LoopbackService.StartAsync("payment");
        await using var messaging = await LoopbackService.StartAsync("messaging");
        using var factory = new SagaApiFactory(payment.Address, messaging.Address);
        using var api = factory.CreateClient();
        var shop = new Shop(api);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using (var refused = await api.PutAsJsonAsync("/admin/faults/dependencies/nope", new { outage = true }))
        {
            await ApiClient.AssertProblemAsync(refused, HttpStatusCode.NotFound, "dependency-not-found");
        }

        using (var invalid = await api.PutAsJsonAsync("/admin/faults/dependencies/payment", new { errorRate = 1.5 }))
        {
            await ApiClient.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "invalid-faults");
        }

        using (var set = await api.PutAsJsonAsync("/admin/faults/dependencies/payment", new { outage = true, latency = "00:00:00.010" }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using (var storage = await api.PutAsJsonAsync("/admin/faults/storage", new { writeLatency = "00:00:00.005" }))
        {
            Assert.Equal(HttpStatusCode.OK, storage.StatusCode);
        }

        var faults = await api.GetFromJsonAsync<JsonElement>("/admin/faults");
        Assert.True(faults.GetProperty("dependencies").GetProperty("payment").GetProperty("outage").GetBoolean());
        Assert.Equal("00:00:00.0050000", faults.GetProperty("storage").GetProperty("writeLatency").GetString());

        await shop.StockAsync("fi-pens", 10);
        var cartVersion = await shop.CartAsync("fi-c1", new Dictionary<string, long> { ["fi-pens"] = 3 });
        var key = await shop.CheckoutAsync("fi-o1", "fi-c1", cartVersion, Shop.GoodCard);
        JsonElement status;
        do
        {
            status = await shop.StatusAsync("orders", "fi-o1", key);
            await Task.Delay(50, bound.Token);
        }
        while (status.GetProperty("timeline").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "consumer:checkout").GetProperty("detail").GetString()?.Contains("waiting to charge the payment", StringComparison.Ordinal) != true);

        Assert.Equal("in-progress", status.GetProperty("state").GetString());
        Assert.Empty((await payment.LedgerAsync()).EnumerateArray());

        using (var cleared = await api.DeleteAsync(new Uri("/admin/faults", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        }

        var final = await shop.FinalAsync("fi-o1", key, bound.Token);
        Assert.Equal("settled", final.GetProperty("state").GetString());
        Assert.Single((await payment.LedgerAsync()).EnumerateArray());
        Assert.Equal((7, 3), await Task.Run(async () => { var (stock, reserved) = await shop.InventoryAsync("fi-pens"); return (stock, reserved["fi-o1"]); }));
    }
}
