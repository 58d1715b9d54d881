using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Api.Correlation;

/// <summary>The <c>X-Correlation-Id</c> of a request: where it is kept and what is accepted.</summary>
internal static class CorrelationId
{
    /// <summary>The header it arrives in and is echoed in.</summary>
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>The <see cref="Orleans.Runtime.RequestContext"/> key, so that grains (and their events) see the same id.</summary>
    public const string RequestContextKey = Grains.Interfaces.Correlation.CorrelationContext.RequestContextKey;

    private static readonly object ItemKey = new();

    /// <summary>
    /// True when a client's id can be kept as it is. The grain records it, so it must satisfy the same rule the grain
    /// checks (<see cref="IntentValidator.MaxCorrelationIdLength"/> printable ASCII characters).
    /// </summary>
    public static bool IsAcceptable(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= IntentValidator.MaxCorrelationIdLength
        && IntentValidator.IsPrintableAscii(value);

    /// <summary>A new id, for requests that bring none (or an unusable one).</summary>
    public static string Create() => Guid.NewGuid().ToString("N");

    /// <summary>The request's correlation id; every request gets one from <see cref="CorrelationIdMiddleware"/>.</summary>
    public static string Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : context.TraceIdentifier;
    }

    internal static void Set(HttpContext context, string id) => context.Items[ItemKey] = id;
}
