using OrleansConsistency.Grains.Interfaces.Deadlines;

namespace OrleansConsistency.Silo.Deadlines;

/// <summary>
/// Caller side of the deadline: a call whose chain's deadline has passed is not sent (<c>started: false</c>), and a
/// call still running at the deadline is given up with <see cref="DeadlineExceededException"/>, whose
/// <c>Started</c> says whether the callee had begun. That is decided exactly once when every grain of the cluster runs
/// in this process (a single silo and its co-hosted API, or an in-process test cluster); when calls may cross processes
/// the caller cannot know, and a call given up at its deadline is reported as started (outcome unknown). The callee's
/// filter still refuses to start it late, wherever it runs.
/// </summary>
/// <param name="callsStayInProcess">Whether every grain this process calls runs in this process.</param>
internal sealed class DeadlineOutgoingCallFilter(DeadlineScope callsStayInProcess) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (CallDeadline.TimeLeft() is not { } left)
        {
            await context.Invoke().ConfigureAwait(false);
            return;
        }

        var deadline = CallDeadline.Current!.Value;
        if (left <= TimeSpan.Zero)
        {
            throw new DeadlineExceededException($"Call {DeadlineMessages.Describe(context)} was not started: its deadline ({deadline:O}) had passed.", deadline, started: false);
        }

        var claim = CallClaim.Create();
        try
        {
            RequestContext.Set(CallClaim.RequestContextKey, claim.Id);
            using var bounded = BoundCancellationToken(context, left);
            var call = context.Invoke();
            try
            {
                await call.WaitAsync(left).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException) when (call.IsCompleted)
            {
                // Either the call's own TimeoutException, or the call ended (e.g. cancelled by the bounded token) just
                // as the deadline passed: its outcome is known, so it is the answer.
                await call.ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                // The deadline passed with the call still out.
            }

            // The token's own timer has the same due time and may not have fired yet: cancel it now, before it is
            // disposed with this scope, or the callee would never hear that nobody waits any more.
            bounded?.Cancel();

            // The call may still complete; nobody waits for it, so its failure must not go unobserved.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var started = !claim.TryAbandon() || !callsStayInProcess.CallsStayInProcess;
            throw new DeadlineExceededException(
                started
                    ? $"Call {DeadlineMessages.Describe(context)} did not complete before its deadline ({deadline:O}); it started, so its outcome is unknown."
                    : $"Call {DeadlineMessages.Describe(context)} was not started: its deadline ({deadline:O}) passed while it waited.",
                deadline,
                started);
        }
        finally
        {
            claim.Close();
        }
    }

    /// <summary>
    /// A method that takes a <see cref="CancellationToken"/> gets one that is also cancelled at the deadline; Orleans
    /// carries the cancellation to the callee, on any silo, so cooperative work stops when nobody waits for it.
    /// </summary>
    private static CancellationTokenSource? BoundCancellationToken(IOutgoingGrainCallContext context, TimeSpan left)
    {
        var request = context.Request;
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is CancellationToken callers)
            {
                var linked = CancellationTokenSource.CreateLinkedTokenSource(callers);
                linked.CancelAfter(left);
                request.SetArgument(i, linked.Token);
                return linked;
            }
        }

        return null;
    }
}
