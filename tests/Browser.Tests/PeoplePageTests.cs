using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OrleansConsistency.Grains.Interfaces.Consumers;
using static Microsoft.Playwright.Assertions;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// The people's page at <c>/</c> in headless Chromium against the API on loopback: a change seen from saving to done,
/// a stopped consumer seen as delayed with the stage that holds it, a conflict resolved in the dialog, and a dropped
/// live connection that resumes without missing a version. Every state is saved as a screenshot.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PeoplePageTests(BrowserFixture fixture)
{
    /// <summary>Every wait in these tests ends by this, so a broken page fails instead of hanging.</summary>
    private const float Wait = 30_000;

    private static readonly LocatorAssertionsToHaveAttributeOptions Patiently = new() { Timeout = Wait };

    [Fact]
    public async Task Change_GoesFromSavingToDone_WithItsTimeline()
    {
        var page = await OpenAsync("carts", NewId());

        // The POST is held a moment on its way, so that "saving" is on screen long enough to be seen and photographed.
        await page.RouteAsync("**/intents", async route =>
        {
            await Task.Delay(800);
            await route.ContinueAsync();
        });
        await page.Locator("#doc").FillAsync("{\"owner\": \"ada\", \"socks\": 2}");
        await page.Locator("#save").ClickAsync();

        var badge = page.Locator("#badge");
        await Expect(badge).ToHaveAttributeAsync("data-badge", "saving", Patiently);
        await Expect(page.Locator("#view")).ToContainTextAsync("not confirmed yet");
        await BrowserFixture.ScreenshotAsync(page, "saving");

        await Expect(badge).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await Expect(badge).ToHaveTextAsync("Done");
        await Expect(page.Locator("#message")).ToHaveTextAsync("Saved. Everything is up to date.");
        await Expect(page.Locator("#timeline li[data-stage='settled']")).ToHaveAttributeAsync("data-state", "done", Patiently);
        await Expect(page.Locator("#timeline li[data-stage='consumer:read-model'] time")).ToHaveCountAsync(1);
        await Expect(page.Locator("#announcer")).ToContainTextAsync("Done", new() { Timeout = Wait });
        await Expect(page.Locator("#view")).Not.ToContainTextAsync("not confirmed yet");
        await BrowserFixture.ScreenshotAsync(page, "done");

        var history = await page.EvaluateAsync<string[]>("() => window.oc.page.badgeHistory");
        Assert.Equal("saving", history[0]);
        Assert.Equal("done", history[^1]);
    }

    [Fact]
    public async Task StoppedConsumer_ShowsDelayed_WithTheStageThatHoldsIt_ThenDone()
    {
        var consumers = fixture.Api.Services.GetRequiredService<IConsumerControl>();
        var page = await OpenAsync("carts", NewId());
        await page.Locator("#doc").FillAsync("{\"owner\": \"grace\"}");
        consumers.PauseConsumer("read-model");
        try
        {
            // Saved from the keyboard: focus is in the editor, Ctrl+Enter saves.
            await page.Locator("#doc").FocusAsync();
            await page.Keyboard.PressAsync("Control+Enter");

            var badge = page.Locator("#badge");
            await Expect(badge).ToHaveAttributeAsync("data-badge", "delayed", Patiently);
            await Expect(badge).ToHaveTextAsync("Delayed");
            // The step is paused by an operator, and the page says so and what happens next (issue 22: no longer
            // "taking longer than usual … Waiting for: Updating read-model").
            await Expect(page.Locator("#message")).ToContainTextAsync("updating search and lists is paused by an operator");
            await Expect(page.Locator("#message")).ToContainTextAsync("will appear in search and lists when they resume it");
            await Expect(page.Locator("#timeline li[data-stage='consumer:read-model'] .stage")).ToHaveTextAsync("Updating search and lists");
            await Expect(page.Locator("#announcer")).ToMatchAriaSnapshotAsync("- status: /Delayed\\. Saved, but updating search and lists is paused/", new() { Timeout = Wait });
            await PlainWords.AssertAsync(page);
            await Expect(page.Locator("#timeline li[data-stage='consumer:read-model']")).ToHaveAttributeAsync("data-state", "waiting");
            await Expect(page.Locator("#timeline li[data-stage='applied']")).ToHaveAttributeAsync("data-state", "done");
            await BrowserFixture.ScreenshotAsync(page, "delayed-paused");
        }
        finally
        {
            consumers.ResumeConsumer("read-model");
        }

        await Expect(page.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await BrowserFixture.ScreenshotAsync(page, "done-after-delay");
    }

    [Fact]
    public async Task Conflict_FromASecondClient_IsExplainedAndResolvedInTheDialog()
    {
        var type = BrowserApi.ManualConflictType;
        var id = NewId();
        await PostAsync(type, id, "{\"op\":\"set\",\"payload\":{\"title\":\"first\"}}");
        var page = await OpenAsync(type, id);
        await Expect(page.Locator("#base-version")).ToHaveTextAsync("1");

        // The person edits from version 1; meanwhile a second client changes the same field.
        await page.Locator("#doc").FillAsync("{\"title\": \"mine\"}");

        // The page has not heard of the other change when it saves (else it shows it at once and rebases: see
        // TwoSessionsPageTests), so its change is based on version 1 and meets theirs.
        await page.EvaluateAsync("() => window.oc.disconnect()");
        await PostAsync(type, id, "{\"op\":\"merge\",\"payload\":{\"title\":\"theirs\"}}", basedOn: 1);
        await page.Locator("#save").ClickAsync();

        var dialog = page.Locator("#conflict");
        await Expect(dialog).ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(page.Locator("#badge")).ToHaveAttributeAsync("data-badge", "attention", Patiently);
        await Expect(page.Locator("#conflict-fields")).ToContainTextAsync("title");
        await Expect(page.Locator("#conflict-fields")).ToContainTextAsync("mine");
        await Expect(page.Locator("#conflict-fields")).ToContainTextAsync("theirs");
        await BrowserFixture.ScreenshotAsync(page, "conflict-dialog");

        await page.GetByLabel("Keep mine").CheckAsync();
        await page.Locator("#resolve").ClickAsync();
        await Expect(dialog).Not.ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(page.Locator("#badge")).ToHaveAttributeAsync("data-badge", "done", Patiently);
        await BrowserFixture.ScreenshotAsync(page, "conflict-resolved");

        using var resource = await fixture.Http.GetAsync(new Uri($"/v1/resources/{type}/{id}", UriKind.Relative));
        using var body = JsonDocument.Parse(await resource.Content.ReadAsStringAsync());
        Assert.Equal("mine", body.RootElement.GetProperty("document").GetProperty("title").GetString());
    }

    [Fact]
    public async Task DroppedLiveConnection_ResumesFromTheLastVersion_AndMissesNothing()
    {
        var id = NewId();
        var page = await OpenAsync("carts", id);
        await PostAsync("carts", id, "{\"op\":\"increment\",\"payload\":{\"socks\":1}}");
        await Expect(page.Locator("#events li")).ToHaveCountAsync(1, new() { Timeout = Wait });

        // The connection drops; three versions are made elsewhere while the page is offline.
        var resumeFrom = await page.EvaluateAsync<string>("() => window.oc.disconnect()");
        Assert.Equal("1", resumeFrom);
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Offline");
        for (var i = 0; i < 3; i++)
        {
            await PostAsync("carts", id, "{\"op\":\"increment\",\"payload\":{\"socks\":1}}");
        }

        await BrowserFixture.ScreenshotAsync(page, "offline");
        await page.EvaluateAsync("() => window.oc.reconnect()");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        await Expect(page.Locator("#events li")).ToHaveCountAsync(4, new() { Timeout = Wait });

        // One more after reconnecting arrives live.
        await PostAsync("carts", id, "{\"op\":\"increment\",\"payload\":{\"socks\":1}}");
        await Expect(page.Locator("#events li")).ToHaveCountAsync(5, new() { Timeout = Wait });
        var versions = await page.Locator("#events li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.version)");
        Assert.Equal(["1", "2", "3", "4", "5"], versions);
        await Expect(page.Locator("#version")).ToHaveTextAsync("5");
        await BrowserFixture.ScreenshotAsync(page, "resumed");
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private Task<IPage> OpenAsync(string type, string id) => fixture.OpenResourceAsync(type, id, 860);

    private Task PostAsync(string type, string id, string json, long? basedOn = null) => fixture.PostIntentAsync(type, id, json, basedOn);
}
