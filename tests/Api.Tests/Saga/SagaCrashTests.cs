using System.Collections.Concurrent;
using System.Text.Json;
using OrleansConsistency.Api.Tests.Durability;
using Xunit.Abstractions;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests.Saga;

/// <summary>
/// The API process (with its silo) is killed with SIGKILL while checkouts are half-way, and started again on the same
/// database: every saga resumes from what it recorded and either completes or compensates, and no step takes its
/// external effect twice (the payment and messaging services' own books are checked).
/// </summary>
[Collection(SagaCollection.Name)]
public sealed class SagaCrashTests(ITestOutputHelper output)
{
    private const int Orders = 40;
    private const int ChargedBeforeKill = 8;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task KillingTheApiMidSaga_AndRestarting_CompletesOrCompensatesEverySaga_WithNoEffectTwice()
    {
        await using var payment = await LoopbackService.StartAsync("payment");
        await using var messaging = await LoopbackService.StartAsync("messaging");
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-saga-crash-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "saga.db")}";
        // The shipped appsettings.json (checkout configured), with the test's addresses and timings on top.
        var settings = new Dictionary<string, string>(SagaApiFactory.Settings(payment.Address, messaging.Address))
        {
            ["ASPNETCORE_CONTENTROOT"] = Path.GetDirectoryName(typeof(SagaApiFactory).Assembly.Location)!,
        };
        using var bound = new CancellationTokenSource(Bound);
        var stock = new Dictionary<string, long> { ["kettles"] = 25, ["mugs"] = 200 };
        var orders = new ConcurrentBag<PlacedOrder>();

        // Slow payments keep many sagas between their steps when the process dies.
        await payment.SetChaosAsync(new { latencyMilliseconds = 150 });
        await using (var first = await ApiProcess.StartAsync("sqlite", connectionString, directory, TimeSpan.FromSeconds(60), settings))
        {
            using var api = TestApiKeys.ClientFor(first.Address, TimeSpan.FromSeconds(30));
            var shop = new Shop(api);
            foreach (var (sku, count) in stock)
            {
                await shop.StockAsync(sku, count);
            }

            await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = bound.Token }, async (i, _) =>
            {
                var items = new Dictionary<string, long> { ["mugs"] = 1 + (i % 3) };
                if (i % 2 == 0)
                {
                    items["kettles"] = 1;
                }

                var cartVersion = await shop.CartAsync($"crash-c{i}", items);
                var key = await shop.CheckoutAsync($"crash-o{i}", $"crash-c{i}", cartVersion, i % 6 == 5 ? Shop.DeclinedCard : Shop.GoodCard);
                orders.Add(new PlacedOrder($"crash-o{i}", key, items, items.Values.Sum() * 250, "ada@example.com"));
            });

            while ((await payment.LedgerAsync()).EnumerateArray().Count(c => c.GetProperty("timesCharged").GetInt32() == 1) < ChargedBeforeKill)
            {
                await Task.Delay(20, bound.Token);
            }

            await first.KillAsync();
        }

        var chargedAtKill = (await payment.LedgerAsync()).EnumerateArray().Count(c => c.GetProperty("timesCharged").GetInt32() == 1);
        output.WriteLine($"killed with {chargedAtKill} of {Orders} orders charged");
        Assert.True(chargedAtKill < Orders, "every saga had charged before the kill; nothing was mid-saga");

        await using var second = await ApiProcess.StartAsync("sqlite", connectionString, directory, TimeSpan.FromSeconds(60), settings);
        using var restarted = TestApiKeys.ClientFor(second.Address, TimeSpan.FromSeconds(30));
        var after = new Shop(restarted);
        var finals = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = bound.Token }, async (order, token) =>
            finals[order.Id] = await after.FinalAsync(order.Id, order.Key, token));

        output.WriteLine($"settled {finals.Values.Count(f => f.GetProperty("state").GetString() == "settled")}, failed {finals.Values.Count(f => f.GetProperty("state").GetString() == "failed")}");
        await SagaBooks.AssertBalancedAsync(after, payment, messaging, [.. orders], stock, finals);
        Assert.Contains(finals.Values, f => f.GetProperty("state").GetString() == "failed");
    }
}
