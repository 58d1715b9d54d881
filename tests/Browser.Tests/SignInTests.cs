using Microsoft.Playwright;
using OrleansConsistency.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// Signing in on the pages: the key is asked for once in a form, kept in sessionStorage for the browser tab (a
/// reload or the other page does not ask again), sent on every request and on the live connection, forgotten on
/// sign-out, and a key the API does not accept brings the form back with a plain message.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    private const float Wait = BrowserFixture.PageTimeout;

    [Fact]
    public async Task ThePage_AsksForTheKeyOnce_AndKeepsItForTheSession()
    {
        var page = await fixture.NewPageAsync(860);
        await page.GotoAsync($"/?type=carts&id={NewId()}");

        // Signed out: the form asks, nothing is connected yet.
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-message")).ToHaveTextAsync("Sign in with your API key.");
        await Expect(page.GetByLabel("API key")).ToHaveAttributeAsync("type", "password");
        await Expect(page.Locator("#connection")).ToContainTextAsync("sign in first");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "12-sign-in.png"), FullPage = true });

        // Typed in and sent from the keyboard, as a person does.
        await page.GetByLabel("API key").FillAsync(TestApiKeys.Operator);
        await page.GetByLabel("API key").PressAsync("Enter");
        await Expect(page.Locator("#signin")).ToBeHiddenAsync();
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        await Expect(page.Locator("#auth")).ToContainTextAsync("Signed in");

        // The live connection carries the key as access_token, after the query it already has when resuming.
        Assert.Matches(@"/events\?(from=0&)?access_token=oc_test-operator-key", await page.EvaluateAsync<string>("() => window.oc.page.source.url"));
        await page.EvaluateAsync("() => window.oc.disconnect()");
        await page.EvaluateAsync("() => window.oc.reconnect()");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        var resumed = await page.EvaluateAsync<string>("() => window.oc.page.source.url");
        // A resource not created yet is followed from its first version (from=0); one that exists, from its last (lastEventId).
        Assert.Matches(@"/events\?(lastEventId=\d+|from=0)&access_token=oc_test-operator-key", resumed);

        // A reload does not ask again, and neither does the operator page in the same tab.
        await page.ReloadAsync();
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        await Expect(page.Locator("#signin")).ToBeHiddenAsync();
        await page.GotoAsync("/ops");
        await Expect(page.Locator("#silos-summary")).ToContainTextAsync("1 active", new() { Timeout = Wait });
        await Expect(page.Locator("#signin")).ToBeHiddenAsync();

        // Signing out forgets the key: the form asks again, also after a reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem(window.ocAuth.storageName)"));
        await page.GotoAsync("/");
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-message")).ToHaveTextAsync("Sign in with your API key.");
    }

    [Fact]
    public async Task AWrongKey_IsNotAccepted_AndTheFormAsksAgain()
    {
        var page = await fixture.NewPageAsync(860);
        await page.GotoAsync($"/?type=carts&id={NewId()}");
        await page.GetByLabel("API key").FillAsync("oc_not-a-key-this-api-ever-made");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // The read answers 401: the key is forgotten and the form is back, with the field ready to type in.
        await Expect(page.Locator("#signin-message")).ToHaveTextAsync("That key was not accepted. Sign in with your API key.", new() { Timeout = Wait });
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        await Expect(page.Locator("#connection")).Not.ToHaveTextAsync("Live");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem(window.ocAuth.storageName)"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "12-wrong-key.png"), FullPage = true });

        // The right key opens what was asked for.
        await BrowserFixture.SignInAsync(page);
        await Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = Wait });
        await Expect(page.Locator("#save")).ToBeEnabledAsync();
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
