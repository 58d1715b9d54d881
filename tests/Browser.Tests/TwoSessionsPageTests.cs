using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// Two people (two browser contexts, each a tab with its own session) on one resource: the one who saves second is
/// told at once that someone else changed it, keeps their edits and saves on the new version; one tab's own quick
/// saves from one base are never a conflict, and under the manual policy only the other tab's change opens the
/// dialog; a parked change survives a reload and is resolved after it. The page speaks plainly in every state, says
/// each state to the screen reader, and reports how long the person waited, which /metrics shows.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class TwoSessionsPageTests(BrowserFixture fixture)
{
    private const float Wait = 30_000;

    private static readonly LocatorAssertionsToHaveAttributeOptions Patiently = new() { Timeout = Wait };

    [Fact]
    public async Task Saved_IsShownUntilDone_AndThePerceivedTimesReachMetrics()
    {
        var before = await PerceivedCountAsync("other");
        var page = await OpenAsync("carts", NewId());

        // The status reads are held, so that "Saved" (applied, not yet everywhere) stays on screen to be seen.
        await page.RouteAsync(new Regex("/intents/[^/]+$"), async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
        });
        await page.Locator("#doc").FillAsync("{\"owner\": \"lin\"}");
        await page.Locator("#save").ClickAsync();
        await Expect(page.Locator("#badge")).ToHaveAttributeAsync("data-badge", "saved", Patiently);
        await Expect(page.Locator("#announcer")).ToMatchAriaSnapshotAsync("- status: /^Saved\\. /", new() { Timeout = Wait });
        await PlainWords.AssertAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "saved");

        await Expect(page.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await PlainWords.AssertEachStateAnnouncedAsync(page);

        // "carts" is not configured under Resources:Types in the browser tests' API, so it is counted as "other".
        await WaitForPerceivedAsync("other", before + 1);
        var metrics = await fixture.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(new Regex("^oc_perceived_done_seconds_count\\{[^}]*type=\"other\"[^}]*\\} ", RegexOptions.Multiline), metrics);
    }

    [Fact]
    public async Task SomeoneElsesChange_IsShownAtOnce_TheEditsAreKept_AndSaveSendsTheNewBase()
    {
        var id = NewId();
        await PostAsync("carts", id, "{\"op\":\"set\",\"payload\":{\"title\":\"first\",\"status\":\"open\"}}");
        var ada = await OpenAsync("carts", id);
        var bea = await OpenAsync("carts", id);
        await Expect(bea.Locator("#base-version")).ToHaveTextAsync("1");

        // Bea is editing the title while Ada closes the cart.
        await bea.Locator("#doc").FillAsync("{\"title\": \"bea's title\", \"status\": \"open\"}");
        await ada.Locator("#doc").FillAsync("{\"title\": \"first\", \"status\": \"closed\"}");
        await ada.Locator("#save").ClickAsync();
        await Expect(ada.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);

        // Bea is told at once, in plain words, before she saves; her edit is kept on top of the new version.
        await Expect(bea.Locator("#news")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(bea.Locator("#news-message")).ToContainTextAsync("Someone else changed this: status is now closed");
        await Expect(bea.Locator("#announcer")).ToMatchAriaSnapshotAsync("- status: /Someone else changed this. status is now closed/", new() { Timeout = Wait });
        await Expect(bea.Locator("#base-version")).ToHaveTextAsync("2");
        await Expect(bea.Locator("#view")).ToContainTextAsync("closed");
        var editor = JsonDocument.Parse(await bea.Locator("#doc").InputValueAsync()).RootElement;
        Assert.Equal("bea's title", editor.GetProperty("title").GetString());
        Assert.Equal("closed", editor.GetProperty("status").GetString());
        await bea.GetByRole(AriaRole.Button, new() { Name = "Review my edits against it" }).ClickAsync();
        await Expect(bea.Locator("#review-table")).ToBeVisibleAsync();
        await Expect(bea.Locator("#review-rows")).ToContainTextAsync("status");
        await Expect(bea.Locator("#review-rows")).ToContainTextAsync("bea's title");
        await PlainWords.AssertAsync(bea);
        await BrowserFixture.ScreenshotAsync(bea, "someone-else-changed");

        // Her Save names the new version and carries her tab's session.
        var request = await bea.RunAndWaitForRequestAsync(
            () => bea.Locator("#save").ClickAsync(),
            r => r.Method == "POST" && r.Url.EndsWith("/intents", StringComparison.Ordinal));
        Assert.Equal("2", request.Headers["x-based-on-version"]);
        Assert.Equal(await bea.EvaluateAsync<string>("() => window.oc.page.session"), request.Headers["x-session-id"]);
        await Expect(bea.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await Expect(bea.Locator("#conflict")).Not.ToBeVisibleAsync();
        await Expect(bea.Locator("#news")).ToBeHiddenAsync();
        await PlainWords.AssertEachStateAnnouncedAsync(bea);

        using var body = await ReadAsync("carts", id);
        Assert.Equal("bea's title", body.RootElement.GetProperty("document").GetProperty("title").GetString());
        Assert.Equal("closed", body.RootElement.GetProperty("document").GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnderManual_OwnQuickSavesNeverConflict_OnlyTheOtherTabsChangeOpensTheDialog_AndAParkedOneSurvivesAReload()
    {
        var type = BrowserApi.ManualConflictType;
        var id = NewId();
        var perceivedBefore = await PerceivedCountAsync(type);
        await PostAsync(type, id, "{\"op\":\"set\",\"payload\":{\"title\":\"first\"}}");
        var ada = await OpenAsync(type, id);
        var bea = await OpenAsync(type, id);

        // Bea's page goes offline: it will not hear of Ada's changes before it saves.
        await bea.EvaluateAsync("() => window.oc.disconnect()");
        await bea.Locator("#doc").FillAsync("{\"title\": \"bea\"}");

        // Ada saves twice in quick succession; both leave while the first is still on its way, from version 1.
        var sent = new List<string>();
        ada.Request += (_, r) =>
        {
            if (r.Method == "POST" && r.Url.EndsWith("/intents", StringComparison.Ordinal))
            {
                sent.Add(r.Headers["x-based-on-version"]);
            }
        };
        await ada.RouteAsync("**/intents", async route =>
        {
            await Task.Delay(600);
            await route.ContinueAsync();
        });
        await ada.Locator("#doc").FillAsync("{\"title\": \"ada 1\"}");
        await ada.Locator("#save").ClickAsync();
        await ada.Locator("#doc").FillAsync("{\"title\": \"ada 2\"}");
        await ada.Locator("#save").ClickAsync();
        await Expect(ada.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        Assert.Equal(["1", "1"], sent);
        Assert.DoesNotContain("attention", await ada.EvaluateAsync<string[]>("() => window.oc.page.badgeHistory"));
        await Expect(ada.Locator("#conflict")).Not.ToBeVisibleAsync();
        await Expect(ada.Locator("#base-version")).ToHaveTextAsync("3");
        using (var afterAda = await ReadAsync(type, id))
        {
            Assert.Equal("ada 2", afterAda.RootElement.GetProperty("document").GetProperty("title").GetString());
        }

        // Each of Ada's two changes is reported, the first too although the second was on show ("notes" is configured).
        await WaitForPerceivedAsync(type, perceivedBefore + 2);

        // Bea's change meets Ada's: the dialog, in plain words.
        await bea.Locator("#save").ClickAsync();
        var dialog = bea.Locator("#conflict");
        await Expect(dialog).ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(bea.Locator("#conflict-fields th")).ToHaveTextAsync("title");
        await Expect(bea.Locator("#conflict-fields")).ToContainTextAsync("ada 2");
        await PlainWords.AssertAsync(bea);
        await BrowserFixture.ScreenshotAsync(bea, "conflict-dialog-two-tabs");

        // Decided later, then the page is reloaded: the change still waits, one click from the dialog.
        await bea.GetByRole(AriaRole.Button, new() { Name = "Decide later" }).ClickAsync();
        await Expect(dialog).Not.ToBeVisibleAsync();
        await Expect(bea.Locator("#waiting")).ToBeVisibleAsync();
        var session = await bea.EvaluateAsync<string>("() => window.oc.page.session");
        await bea.ReloadAsync();
        await Expect(bea.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        Assert.Equal(session, await bea.EvaluateAsync<string>("() => window.oc.page.session"));
        await Expect(bea.Locator("#waiting")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(bea.Locator("#waiting-list")).ToContainTextAsync("waits for your decision");
        await Expect(bea.Locator("#badge")).ToHaveAttributeAsync("data-badge", "attention", Patiently);
        await Expect(bea.Locator("#announcer")).ToMatchAriaSnapshotAsync("- status: /Needs your attention\\. One change of yours waits for your decision/", new() { Timeout = Wait });
        await PlainWords.AssertAsync(bea);
        await BrowserFixture.ScreenshotAsync(bea, "parked-after-reload");

        await bea.GetByRole(AriaRole.Button, new() { Name = "Decide now" }).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await bea.GetByLabel("Keep mine").CheckAsync();
        await bea.Locator("#resolve").ClickAsync();
        await Expect(dialog).Not.ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(bea.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await Expect(bea.Locator("#waiting")).ToBeHiddenAsync();
        await PlainWords.AssertAsync(bea);
        await PlainWords.AssertEachStateAnnouncedAsync(bea);
        using var resolved = await ReadAsync(type, id);
        Assert.Equal("bea", resolved.RootElement.GetProperty("document").GetProperty("title").GetString());
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private Task<IPage> OpenAsync(string type, string id) => fixture.OpenResourceAsync(type, id, 900);

    private Task PostAsync(string type, string id, string json) => fixture.PostIntentAsync(type, id, json);

    private async Task<JsonDocument> ReadAsync(string type, string id)
    {
        using var response = await fixture.Http.GetAsync(new Uri($"/v1/resources/{type}/{id}", UriKind.Relative));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task WaitForPerceivedAsync(string type, double count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await PerceivedCountAsync(type) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(await PerceivedCountAsync(type) >= count, $"oc_perceived_saved_seconds{{type=\"{type}\"}} did not reach {count}");
    }

    // Any other labels (the exporter adds otel_scope_name) may stand beside the type.
    private async Task<double> PerceivedCountAsync(string type)
    {
        var metrics = await fixture.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = Regex.Match(metrics, $"^oc_perceived_saved_seconds_count\\{{[^}}]*type=\"{type}\"[^}}]*\\}} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
