using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansConsistency.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace OrleansConsistency.Browser.Tests;

/// <summary>The operator page at <c>/ops</c>: the flow of intents, consumers with their lag and breaker, failures, the silos and the link to Orleans' dashboard, and the fault switches (enabled in this fixture's configuration).</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsPageTests(BrowserFixture fixture)
{
    private const float Wait = 30_000;

    [Fact]
    public async Task OpsPage_ShowsFlowConsumersFailures_AndItsSwitchPausesAConsumer()
    {
        // Some traffic to show: changes that settle and one refused.
        var id = Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < 3; i++)
        {
            await PostAsync(id, "{\"op\":\"increment\",\"payload\":{\"n\":1}}");
        }

        await PostAsync(id, "{\"op\":\"increment\",\"payload\":{\"n\":\"many\"}}");

        var page = await OpenOpsPageAsync();

        var readModel = page.Locator("#consumers tr", new() { HasText = "read-model" });
        await Expect(readModel).ToContainTextAsync("running", new() { Timeout = Wait });
        await Expect(readModel).ToContainTextAsync("closed");
        await Expect(page.Locator("#settle-p50")).Not.ToHaveTextAsync("–", new() { Timeout = Wait });
        await Expect(page.Locator("#failures")).ToContainTextAsync("invalid-intent", new() { Timeout = Wait });
        await Expect(page.Locator("#readiness")).ToContainTextAsync("database", new() { Timeout = Wait });
        await Expect(page.Locator("#readiness")).ToContainTextAsync("writes go through");
        await Expect(page.Locator("#accepted-rate")).Not.ToHaveTextAsync("–", new() { Timeout = Wait });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "9-ops.png"), FullPage = true });

        // The switch is a real button: reached and pressed from the keyboard.
        var pause = page.GetByRole(AriaRole.Button, new() { Name = "Pause read-model" });
        await pause.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        try
        {
            await Expect(readModel).ToContainTextAsync("paused", new() { Timeout = Wait });
        }
        finally
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Resume read-model" }).ClickAsync();
        }

        await Expect(readModel).ToContainTextAsync("running", new() { Timeout = Wait });
    }

    [Fact]
    public async Task OpsPage_ShowsTheSilos_AndLinksToOrleansDashboard()
    {
        // The dashboard is plain pages: the browser's login prompt answers its challenge, with the key as password.
        var page = await OpenOpsPageAsync(new HttpCredentials { Username = "operator", Password = TestApiKeys.Operator });

        // One process: the API's co-hosted silo, and only it.
        var silo = page.Locator("#silos tr");
        await Expect(silo).ToHaveCountAsync(1, new() { Timeout = Wait });
        await Expect(silo.Locator("td").Nth(3)).ToHaveTextAsync("Active");
        await Expect(silo.Locator("td").Nth(1)).ToContainTextAsync("127.0.0.1:");
        await Expect(silo.Locator("td").Nth(4)).Not.ToHaveTextAsync("–");
        await Expect(page.Locator("#silos-summary")).ToContainTextAsync("1 active of 1 listed");
        await Expect(page.Locator("#readiness")).ToContainTextAsync("1 active", new() { Timeout = Wait });
        await page.Locator("#silos-title").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "10-ops-silos.png"), FullPage = true });

        // Both links (the page's navigation and the silos panel) lead to the dashboard, which Orleans serves.
        var links = page.GetByRole(AriaRole.Link, new() { Name = "Orleans dashboard" });
        await Expect(links).ToHaveCountAsync(2);
        await links.Last.ClickAsync();
        await page.WaitForURLAsync("**/dashboard/");
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        await Expect(page.Locator("body")).ToContainTextAsync("Active Silos", new() { IgnoreCase = true, Timeout = Wait });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "11-dashboard.png") });
    }

    [Fact]
    public async Task OpsPage_PlotsTheTrends_AndListsEachDependencyOnceWithBreakerSlotsQueueAndFaults()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var page = await OpenOpsPageAsync();
        for (var i = 0; i < 3; i++)
        {
            await PostAsync(id, "{\"op\":\"increment\",\"payload\":{\"n\":1}}");
            await Task.Delay(1100);
        }

        // Each plot is an image with a text alternative that says the latest values, and lines once points arrive.
        var rates = page.Locator("#chart-rates svg");
        await Expect(rates).ToHaveAttributeAsync("aria-label", new Regex("^Accepted and settled per second, now: accepted [0-9.]+/s, settled"), new() { Timeout = Wait });
        await Expect(page.Locator("#chart-rates path").First).ToBeAttachedAsync(new() { Timeout = Wait });
        await Expect(page.Locator("#chart-settle svg")).ToHaveAttributeAsync("aria-label", new Regex("p50 [0-9]"), new() { Timeout = Wait });
        await Expect(page.Locator("#chart-perceived svg")).ToHaveAttributeAsync("aria-label", new Regex("^Perceived by people"));
        await Expect(page.Locator("#chart-lag svg")).ToHaveAttributeAsync("aria-label", new Regex("^Largest consumer lag"));

        // One table of dependencies, one row each: the readiness report above it lists only the database and the silos.
        var dependencies = page.Locator("#dependencies tr");
        await Expect(dependencies).ToHaveCountAsync(2, new() { Timeout = Wait });
        var payment = page.Locator("#dependencies tr", new() { HasText = "payment" });
        await Expect(payment).ToHaveCountAsync(1);
        await Expect(payment.Locator("td").Nth(1)).ToHaveTextAsync("closed");
        await Expect(payment.Locator("td").Nth(2)).ToHaveTextAsync(new Regex("^[0-9]+ of [0-9]+$"));
        await Expect(payment.Locator("td").Nth(5)).ToHaveTextAsync("none");
        await Expect(page.Locator("#readiness tr", new() { HasText = "payment" })).ToHaveCountAsync(0);
        await page.Locator("#trends-title").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "14-ops-trends.png"), FullPage = true });
    }

    [Fact]
    public async Task OpsPage_ShortensAMadeUpLongIdInTheFailures_AndKeepsThePageWidth()
    {
        var id = "long" + new string('x', 296) + "!";
        await PostAsync(id, "{\"op\":\"set\",\"payload\":{}}");

        var page = await OpenOpsPageAsync();

        var cell = page.Locator("#failures td", new() { HasText = "opsdemo/longxxx" });
        await Expect(cell).ToHaveCountAsync(1, new() { Timeout = Wait });
        var shown = await cell.TextContentAsync();
        Assert.True(shown!.Length <= 60, shown);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
        Assert.StartsWith("opsdemo/long", await cell.GetAttributeAsync("title"), StringComparison.Ordinal);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 1280, $"the page is {width} px wide");
    }

    [Fact]
    public async Task OpsPage_SignedInWithAReaderKey_SaysTheKeyNeedsTheOperatorRole()
    {
        var reader = await NewKeyAsync("reader");
        var page = await OpenOpsPageAsync(key: reader);

        // The key is accepted (no form again) but may not see the cluster's numbers.
        await Expect(page.Locator("#auth-problem")).ToContainTextAsync("This key may not do that", new() { Timeout = Wait });
        await Expect(page.Locator("#auth-problem")).ToContainTextAsync("operator role");
        await Expect(page.Locator("#updated")).ToContainTextAsync("operator role");
        await Expect(page.Locator("#signin")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "13-ops-forbidden.png"), FullPage = true });

        // Signing out and in with the operator key shows the numbers.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign out" }).ClickAsync();
        await BrowserFixture.SignInAsync(page);
        await Expect(page.Locator("#auth-problem")).ToBeEmptyAsync();
        await Expect(page.Locator("#silos-summary")).ToContainTextAsync("1 active", new() { Timeout = Wait });
    }

    private async Task<string> NewKeyAsync(string role)
    {
        using var content = new StringContent($"{{\"roles\":[\"{role}\"],\"name\":\"browser test {role}\"}}", Encoding.UTF8, "application/json");
        using var response = await fixture.Http.PostAsync(new Uri("/v1/admin/keys", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/admin/keys answered {(int)response.StatusCode}: {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("key").GetString()!;
    }

    private async Task PostAsync(string id, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/opsdemo/{id}/intents")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Prefer", "wait=10");
        using var response = await fixture.Http.SendAsync(request);
    }

    private async Task<IPage> OpenOpsPageAsync(HttpCredentials? credentials = null, string key = TestApiKeys.Operator)
    {
        var page = await fixture.NewPageAsync(900, credentials);
        await page.GotoAsync("/ops");
        await BrowserFixture.SignInAsync(page, key);
        return page;
    }
}
