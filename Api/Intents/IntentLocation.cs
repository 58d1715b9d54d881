using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Intents;

/// <summary>Where an intent's status lives, and how its key is read back from that address.</summary>
internal static class IntentLocation
{
    /// <summary>The intent status URL; the key is escaped because keys may hold '/', '?', '%' or '#'.</summary>
    public static string For(ResourceKey resource, string idempotencyKey) =>
        $"/v1/resources/{resource.Type}/{resource.Id}/intents/{Uri.EscapeDataString(idempotencyKey)}";

    /// <summary>
    /// The key from the request's last path segment. The server keeps "%2F" escaped in the decoded path (so that the
    /// route still sees one segment), so the routed value cannot be trusted for keys with '/' or '%': the raw target is
    /// decoded exactly once instead.
    /// </summary>
    public static string KeyFromRequest(HttpContext context, string routedKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || !rawTarget.StartsWith('/'))
        {
            // Without the raw target (in-memory test servers) the decoded path is all there is: undo the one escape
            // it keeps. Only a key holding a literal "%2F" is then misread, and real servers never take this path.
            return routedKey.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var path = rawTarget.Split('?', 2)[0];
        var lastSlash = path.LastIndexOf('/');
        var segment = path[(lastSlash + 1)..];
        return segment.Length == 0 ? routedKey : Uri.UnescapeDataString(segment);
    }
}
