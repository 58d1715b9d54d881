namespace OrleansConsistency.Dependencies.Chaos;

/// <summary>
/// Wraps a business endpoint in the chaos: latency first, then outage or failure before the work, or a hang after it.
/// </summary>
public static class ChaosEndpoint
{
    /// <summary>Runs <paramref name="work"/> under the current chaos settings.</summary>
    public static async Task<IResult> RunAsync(ChaosControl chaos, HttpContext context, Func<IResult> work)
    {
        ArgumentNullException.ThrowIfNull(chaos);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        var settings = chaos.Settings;
        if (settings.LatencyMilliseconds > 0)
        {
            await Task.Delay(settings.LatencyMilliseconds, context.RequestAborted);
        }

        switch (chaos.Roll())
        {
            case ChaosRoll.Outage:
                return Results.Problem("The service is down (outage set through /control).", statusCode: StatusCodes.Status503ServiceUnavailable);
            case ChaosRoll.Fail:
                return Results.Problem("Something went wrong (failure injected through /control).", statusCode: StatusCodes.Status500InternalServerError);
            case ChaosRoll.HangAfterWork:
                var result = work();
                try
                {
                    await Task.Delay(settings.HangMilliseconds, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up waiting, as intended: the work is done, the answer is lost.
                }

                return result;
            default:
                return work();
        }
    }
}
