using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>The checkout sample driven over the API: stock, carts, orders, and waiting for an order's end.</summary>
internal sealed class Shop(HttpClient api)
{
    public const string DeclinedCard = "4000000000000002";
    public const string GoodCard = "4242424242424242";

    public async Task StockAsync(string sku, long stock) =>
        await ApplyAsync("inventory", sku, new JsonObject { ["op"] = "set", ["payload"] = new JsonObject { ["stock"] = stock } });

    /// <summary>Creates a cart; returns its version.</summary>
    public async Task<long> CartAsync(string cart, IReadOnlyDictionary<string, long> items, long priceCents = 250)
    {
        var lines = new JsonObject();
        foreach (var (sku, quantity) in items)
        {
            lines[sku] = new JsonObject { ["quantity"] = quantity, ["priceCents"] = priceCents };
        }

        return await ApplyAsync("carts", cart, new JsonObject { ["op"] = "set", ["payload"] = new JsonObject { ["items"] = lines } });
    }

    /// <summary>Submits the checkout intent of an order; returns its idempotency key.</summary>
    public async Task<string> CheckoutAsync(string order, string cart, long cartVersion, string card, string email = "ada@example.com")
    {
        var key = "checkout-" + order;
        var body = new JsonObject
        {
            ["op"] = "merge",
            ["payload"] = new JsonObject { ["checkout"] = new JsonObject { ["cart"] = cart, ["cartVersion"] = cartVersion, ["card"] = card, ["email"] = email } },
        };
        using var response = await api.SendAsync(ApiClient.Intent("orders", order, key, body.ToJsonString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return key;
    }

    public async Task<JsonElement> StatusAsync(string type, string id, string key, int waitSeconds = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/resources/{type}/{id}/intents/{key}");
        if (waitSeconds > 0)
        {
            request.Headers.TryAddWithoutValidation("Prefer", $"wait={waitSeconds}");
        }

        using var response = await api.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"status of {type}/{id} {key}: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits (bounded) until the order's checkout intent is settled or failed; returns its status.</summary>
    public async Task<JsonElement> FinalAsync(string order, string key, CancellationToken bound)
    {
        while (true)
        {
            bound.ThrowIfCancellationRequested();
            var status = await StatusAsync("orders", order, key, waitSeconds: 10);
            if (status.GetProperty("state").GetString() is "settled" or "failed")
            {
                return status;
            }
        }
    }

    /// <summary>An inventory item's stock and reservations (order id → quantity).</summary>
    public async Task<(long Stock, Dictionary<string, long> Reserved)> InventoryAsync(string sku)
    {
        var body = await api.GetFromJsonAsync<JsonElement>($"/v1/resources/inventory/{sku}");
        var document = body.GetProperty("document");
        var reserved = new Dictionary<string, long>(StringComparer.Ordinal);
        if (document.TryGetProperty("reserved", out var map))
        {
            foreach (var entry in map.EnumerateObject())
            {
                reserved[entry.Name] = entry.Value.GetInt64();
            }
        }

        return (document.GetProperty("stock").GetInt64(), reserved);
    }

    public async Task<JsonElement> ReadyAsync() => await api.GetFromJsonAsync<JsonElement>("/health/ready");

    private async Task<long> ApplyAsync(string type, string id, JsonObject body)
    {
        using var response = await api.SendAsync(ApiClient.Intent(type, id, ApiClient.NewId(), body.ToJsonString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        return status.GetProperty("version").GetInt64();
    }

    public static string Cents(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
