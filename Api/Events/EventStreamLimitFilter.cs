using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.Events;

/// <summary>Holds one of the <see cref="EventStreamSlots"/> for as long as an event stream is open, or refuses it.</summary>
internal sealed class EventStreamLimitFilter(EventStreamSlots slots) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        using var slot = slots.TryTake();
        if (!slot.IsAcquired)
        {
            return ServiceProblems.TooManyStreams(context.HttpContext, slots.Limit);
        }

        // The endpoint writes the whole stream before it returns, so the slot is held exactly while it is open.
        return await next(context).ConfigureAwait(false);
    }
}
