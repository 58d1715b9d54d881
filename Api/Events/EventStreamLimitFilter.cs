using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Limits;
using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.Events;

/// <summary>
/// Holds one of the process's <see cref="EventStreamSlots"/> and one of the caller's tenant's (<see cref="CallerLimiter"/>)
/// for as long as an event stream is open, or refuses it.
/// </summary>
internal sealed class EventStreamLimitFilter(EventStreamSlots slots, CallerLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var tenant = ApiClaims.RequireTenant(context.HttpContext);
        using var tenantSlot = limiter.TryTakeStream(tenant);
        if (!tenantSlot.IsAcquired)
        {
            return ServiceProblems.TooManyStreams(context.HttpContext, limiter.Settings.MaxOpenEventStreamsOf(tenant), "Your tenant already keeps");
        }

        using var slot = slots.TryTake();
        if (!slot.IsAcquired)
        {
            return ServiceProblems.TooManyStreams(context.HttpContext, slots.Limit, "This server already keeps");
        }

        // The endpoint writes the whole stream before it returns, so the slot is held exactly while it is open.
        return await next(context).ConfigureAwait(false);
    }
}
