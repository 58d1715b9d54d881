using System.Diagnostics;
using OrleansConsistency.Grains.Interfaces.Correlation;

namespace OrleansConsistency.Silo.Telemetry;

/// <summary>
/// Tags Orleans' grain-call spans (client and server side) with the request's correlation id, so that one id finds
/// every span of an intent. Registered after Orleans' activity propagation, so the current activity is Orleans' span.
/// </summary>
internal sealed class CorrelationTagCallFilter : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        Tag();
        return context.Invoke();
    }

    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        Tag();
        return context.Invoke();
    }

    private static void Tag()
    {
        if (Activity.Current is { IsAllDataRequested: true } span && CorrelationContext.Current is { } id)
        {
            span.SetTag(CorrelationContext.Tag, id);
        }
    }
}
