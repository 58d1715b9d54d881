using Microsoft.Playwright;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// One API server and one headless Chromium for the browser tests. The browser is Debian's <c>chromium</c>
/// (<c>OC_CHROMIUM</c> overrides the path): Playwright's own browser download does not work here, so it is launched
/// by path.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public BrowserApi Api { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>OC_BROWSER_ARTIFACTS</c>, else tests/Browser.Tests/artifacts in the repository.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("OC_BROWSER_ARTIFACTS");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrleansConsistency.sln")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? Path.Combine(AppContext.BaseDirectory, "artifacts")
                : Path.Combine(directory.FullName, "tests", "Browser.Tests", "artifacts");
        }
    }

    public async Task InitializeAsync()
    {
        Http = TestApiKeys.ClientFor(Api.Address, TimeSpan.FromSeconds(30));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("OC_CHROMIUM") ?? DefaultChromium,
            Headless = true,
            Timeout = 60_000,

            // CI runs as root, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ArtifactsDirectory);
    }

    /// <summary>
    /// A page in a browser context of its own (its own sessionStorage, so it starts signed out), at 1280 px wide.
    /// </summary>
    public async Task<IPage> NewPageAsync(int height, HttpCredentials? credentials = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = height },
            BaseURL = Api.Address.ToString(),
            Locale = "en-GB",
            TimezoneId = "UTC",
            HttpCredentials = credentials,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(PageTimeout);
        return page;
    }

    /// <summary>The people's page on a resource, signed in, once its live connection is up.</summary>
    public async Task<IPage> OpenResourceAsync(string type, string id, int height)
    {
        var page = await NewPageAsync(height);
        await page.GotoAsync($"/?type={type}&id={id}");
        await SignInAsync(page);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = PageTimeout });
        return page;
    }

    /// <summary>A change made by another client (not a page), with a new key; accepted or the test fails.</summary>
    public async Task PostIntentAsync(string type, string id, string json, long? basedOn = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/resources/{type}/{id}/intents")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (basedOn is { } version)
        {
            request.Headers.Add("X-Based-On-Version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await Http.SendAsync(request);
        Assert.True(
            response.StatusCode is System.Net.HttpStatusCode.Accepted or System.Net.HttpStatusCode.OK,
            $"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every wait on a page ends by this, so a broken page fails instead of hanging.</summary>
    public const float PageTimeout = 30_000;

    /// <summary>Signs in as a person does: the form the page shows, the key typed in, "Sign in" pressed.</summary>
    public static async Task SignInAsync(IPage page, string key = TestApiKeys.Operator)
    {
        ArgumentNullException.ThrowIfNull(page);
        var form = page.Locator("#signin");
        await Assertions.Expect(form).ToBeVisibleAsync(new() { Timeout = PageTimeout });
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(form).ToBeHiddenAsync(new() { Timeout = PageTimeout });
    }

    /// <summary>A full-page screenshot of a state, as <c>{name}.png</c> in <see cref="ArtifactsDirectory"/>.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        await Api.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
