using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Correlation;

/// <summary>
/// The <c>X-Correlation-Id</c> of a request as it travels through grain calls: in Orleans' <see cref="RequestContext"/>,
/// so that grains, their events and their spans carry the id the client sent.
/// </summary>
public static class CorrelationContext
{
    /// <summary>The <see cref="RequestContext"/> key the API puts the correlation id under.</summary>
    public const string RequestContextKey = "correlation-id";

    /// <summary>The tag every span and log of one request carries.</summary>
    public const string Tag = "oc.correlation_id";

    /// <summary>The correlation id of the current call chain, or null.</summary>
    public static string? Current => RequestContext.Get(RequestContextKey) as string;

    /// <summary>Gives the calls made from here on the correlation id.</summary>
    public static void Set(string correlationId) => RequestContext.Set(RequestContextKey, correlationId);
}
