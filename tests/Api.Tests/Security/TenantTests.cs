using System.Net;
using System.Text;
using System.Text.Json;
using OrleansConsistency.Api.Tests.Settlement;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// Tenants are apart: the same resource id and Idempotency-Key in two tenants are two things, and one tenant can
/// neither read, list, replay, stream, resolve nor learn of another's resources; what it is refused changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantTests(ApiFactory factory)
{
    private readonly HttpClient _operator = factory.CreateClient();

    [Fact]
    public async Task TwoTenants_WithTheSameIdAndIdempotencyKey_GetIndependentResults()
    {
        using var acme = await IssuedKeys.NewClientAsync(factory, _operator, "acme", "writer");
        using var globex = await IssuedKeys.NewClientAsync(factory, _operator, "globex", "writer");
        var (id, key) = (NewId(), NewId());

        using (var first = await acme.PostIntentAsync("orders", id, key, """{"op":"set","payload":{"owner":"acme"}}"""))
        using (var second = await globex.PostIntentAsync("orders", id, key, """{"op":"set","payload":{"owner":"globex","n":2}}"""))
        {
            // Not a replay, not a key reused with another body: globex's first intent with that key, version 1 of its resource.
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
            Assert.False(IsReplay(second));
            using var body = await ReadJsonAsync(second);
            Assert.Equal(1, body.RootElement.GetProperty("version").GetInt64());
            Assert.Equal("orders", body.RootElement.GetProperty("resourceType").GetString());
        }

        Assert.Equal("acme", await OwnerAsync(acme, id));
        Assert.Equal("globex", await OwnerAsync(globex, id));
        Assert.Equal((1, 1), await factory.CountStoredAsync("orders", id, "acme"));
        Assert.Equal((1, 1), await factory.CountStoredAsync("orders", id, "globex"));
        Assert.Equal((0, 0), await factory.CountStoredAsync("orders", id));

        // Each tenant's replay of the key answers its own intent.
        using var replay = await globex.PostIntentAsync("orders", id, key, """{"op":"set","payload":{"owner":"globex","n":2}}""");
        Assert.True(IsReplay(replay));
    }

    [Fact]
    public async Task AnotherTenantsResource_IsNotFound_ForReadsIntentsAndResolutions_AndNothingChanges()
    {
        using var acme = await IssuedKeys.NewClientAsync(factory, _operator, "acme", "writer");
        using var intruder = await IssuedKeys.NewClientAsync(factory, _operator, "intruder", "operator");
        var (id, key) = (NewId(), NewId());
        await acme.ApplyAsync("orders", id, """{"op":"set","payload":{"secret":"acme's"}}""");
        using (var applied = await acme.PostIntentAsync("orders", id, key, """{"op":"merge","payload":{"n":1}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, applied.StatusCode);
        }

        var before = await factory.CountAllStoredAsync();

        using (var read = await intruder.GetAsync($"/v1/resources/orders/{id}"))
        {
            var problem = await AssertProblemAsync(read, HttpStatusCode.NotFound, "resource-not-found");
            Assert.Equal(0, problem.GetProperty("version").GetInt64());
            Assert.DoesNotContain("acme", problem.GetRawText(), StringComparison.Ordinal);
        }

        foreach (var consistency in new[] { "eventual", "strong" })
        {
            using var read = await intruder.GetAsync($"/v1/resources/orders/{id}?consistency={consistency}");
            await AssertProblemAsync(read, HttpStatusCode.NotFound, "resource-not-found");
        }

        using (var intent = await intruder.GetAsync($"/v1/resources/orders/{id}/intents/{key}"))
        {
            await AssertProblemAsync(intent, HttpStatusCode.NotFound, "intent-not-found");
        }

        using (var resolve = await intruder.PostAsync($"/v1/resources/orders/{id}/intents/{key}/resolution", new StringContent("""{"choice":"keep-mine"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.NotFound, resolve.StatusCode);
        }

        var list = JsonDocument.Parse(await intruder.GetStringAsync("/v1/resources/orders?limit=500")).RootElement;
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);

        Assert.Equal(before, await factory.CountAllStoredAsync());
        Assert.Equal("acme's", JsonDocument.Parse(await acme.GetStringAsync($"/v1/resources/orders/{id}")).RootElement.GetProperty("document").GetProperty("secret").GetString());
    }

    [Fact]
    public async Task AnotherTenantsStream_IsNotFound_AsANeverCreatedResource_AndCarriesNoneOfItsEvents()
    {
        using var acme = await IssuedKeys.NewClientAsync(factory, _operator, "acme", "writer");
        using var intruder = await IssuedKeys.NewClientAsync(factory, _operator, "intruder", "reader");
        var id = NewId();
        await acme.ApplyAsync("orders", id, """{"op":"set","payload":{"n":1}}""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // The same answer as for an id nobody ever used: nothing says acme has it.
        using (var stream = await intruder.GetAsync($"/v1/resources/orders/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token))
        using (var unused = await intruder.GetAsync($"/v1/resources/orders/{NewId()}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token))
        {
            var problem = await AssertProblemAsync(stream, HttpStatusCode.NotFound, "resource-not-found");
            var unusedProblem = await AssertProblemAsync(unused, HttpStatusCode.NotFound, "resource-not-found");
            Assert.Equal(unusedProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
            Assert.DoesNotContain("acme", problem.GetRawText(), StringComparison.Ordinal);
        }

        // Followed from the start (also before it exists), the resource's and the type's replays hold nothing of acme's.
        using var replay = await intruder.GetAsync($"/v1/resources/orders/{id}/events?from=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var typeFeed = await intruder.GetAsync("/v1/resources/orders/events?from=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await acme.ApplyAsync("orders", id, """{"op":"set","payload":{"n":2}}""");
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        foreach (var response in new[] { replay, typeFeed })
        {
            var events = new List<ServerSentEvent>();
            using var reader = new EventStreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            try
            {
                while (await reader.ReadAsync(quiet.Token) is { } next)
                {
                    events.Add(next);
                }
            }
            catch (OperationCanceledException)
            {
            }

            Assert.DoesNotContain(events, e => e.Event == "applied" && e.Data.Contains(id, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TheTypeListAndFeed_HoldOnlyTheCallersTenant()
    {
        using var acme = await IssuedKeys.NewClientAsync(factory, _operator, "acme-lists", "writer");
        using var globex = await IssuedKeys.NewClientAsync(factory, _operator, "globex-lists", "writer");
        var type = "tenant-list-" + NewId()[..8];
        var mine = NewId();
        await acme.ApplyAsync(type, mine, """{"op":"set","payload":{"n":1}}""");
        await globex.ApplyAsync(type, NewId(), """{"op":"set","payload":{"n":1}}""");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ids = new List<string?>();
        while (ids.Count == 0)
        {
            var list = JsonDocument.Parse(await acme.GetStringAsync($"/v1/resources/{type}", timeout.Token)).RootElement;
            ids = [.. list.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString())];
            Assert.All(list.GetProperty("items").EnumerateArray(), item => Assert.Equal(type, item.GetProperty("type").GetString()));
            await Task.Delay(50, timeout.Token);
        }

        Assert.Equal([mine], ids);

        using var feed = await acme.GetAsync($"/v1/resources/{type}/events?from=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new EventStreamReader(await feed.Content.ReadAsStreamAsync(timeout.Token));
        var first = await reader.ReadAsync(timeout.Token);
        Assert.Equal(mine, JsonDocument.Parse(first!.Data).RootElement.GetProperty("resourceId").GetString());
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(quiet.Token));
    }

    private static async Task<string?> OwnerAsync(HttpClient client, string id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/v1/resources/orders/{id}")).RootElement.GetProperty("document").GetProperty("owner").GetString();
}
