using OrleansConsistency.Grains.Interfaces.Deadlines;

namespace OrleansConsistency.Silo.Deadlines;

/// <summary>
/// Callee side of the deadline: a call whose deadline has passed by the time it would start is refused with
/// <see cref="DeadlineExceededException"/> (<c>started: false</c>) and never runs, so nothing it would have done
/// happens. For a deadline set in this process the check uses the monotonic clock, so a wall-clock step cannot make a
/// call look expired or alive; across processes it compares UTC times.
/// </summary>
internal sealed class DeadlineIncomingCallFilter : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        CallClaim? claim = null;
        var abandoned = false;
        if (RequestContext.Get(CallClaim.RequestContextKey) is string id)
        {
            // The claim is this call's alone: calls this grain makes get claims of their own.
            RequestContext.Remove(CallClaim.RequestContextKey);
            claim = CallClaim.Find(id);
            abandoned = claim is null && CallClaim.IsFromThisProcess(id);
        }

        if (CallDeadline.Current is { } deadline)
        {
            var expired = abandoned || (CallDeadline.HasPassed() && (claim is null || claim.TryAbandon()));
            if (expired || (claim is not null && !claim.TryStart()))
            {
                throw new DeadlineExceededException(
                    $"Call {DeadlineMessages.Describe(context)} was not started: its deadline ({deadline:O}) passed while it waited.", deadline, started: false);
            }
        }

        return context.Invoke();
    }
}
