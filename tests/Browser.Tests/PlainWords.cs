using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// The people's page speaks plainly: none of the product's inner words (consumer names such as read-model, the word
/// consumer, JSON Pointers such as <c>/status</c>, idempotency keys) in anything it shows or says to a screen reader.
/// </summary>
internal static partial class PlainWords
{
    /// <summary>Fails with the offending text when the page shows or announced jargon; <paramref name="keys"/> are idempotency keys that must not appear.</summary>
    public static async Task AssertAsync(IPage page, params string[] keys)
    {
        var shown = await page.EvaluateAsync<string>("() => document.body.innerText + '\\n' + window.oc.page.announced.join('\\n')");
        var ownKeys = await page.EvaluateAsync<string[]>("() => [window.oc.page.change?.key, ...window.oc.page.waiting.map(w => w.key), window.oc.page.session].filter(Boolean)");
        foreach (var jargon in Jargon())
        {
            var match = jargon.Match(shown);
            Assert.False(match.Success, $"The page says '{match.Value}' ({jargon}): {shown}");
        }

        foreach (var key in keys.Concat(ownKeys))
        {
            Assert.DoesNotContain(key, shown, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Every badge the page showed was also said to the screen reader, in order.</summary>
    public static async Task AssertEachStateAnnouncedAsync(IPage page)
    {
        var history = await page.EvaluateAsync<string[]>("() => window.oc.page.badgeHistory");
        var announced = await page.EvaluateAsync<string[]>("() => window.oc.page.announced");
        var next = 0;
        foreach (var badge in history)
        {
            var label = Labels[badge];
            while (next < announced.Length && !announced[next].StartsWith(label, StringComparison.Ordinal))
            {
                next++;
            }

            Assert.True(next < announced.Length, $"'{label}' was shown but not announced in order; announced: {string.Join(" | ", announced)}");
            next++;
        }
    }

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["saving"] = "Saving…",
        ["saved"] = "Saved",
        ["updating"] = "Updating everywhere",
        ["done"] = "Done",
        ["delayed"] = "Delayed",
        ["attention"] = "Needs your attention",
    };

    private static IEnumerable<Regex> Jargon() => [ReadModel(), Consumer(), JsonPointer(), Guid(), HexKey()];

    [GeneratedRegex("read-model", RegexOptions.IgnoreCase)]
    private static partial Regex ReadModel();

    [GeneratedRegex("consumer", RegexOptions.IgnoreCase)]
    private static partial Regex Consumer();

    // "/status" or "'/address/city'", not "carts/c-42" (the resource's name) or "and/or".
    [GeneratedRegex("(^|[\\s'\"(“‘])/[A-Za-z_]")]
    private static partial Regex JsonPointer();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();

    [GeneratedRegex("[0-9a-f]{32}", RegexOptions.IgnoreCase)]
    private static partial Regex HexKey();
}
