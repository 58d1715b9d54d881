using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Intents;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Interfaces.Deadlines;

namespace OrleansConsistency.Api.Deadlines;

/// <summary>
/// Gives each request a deadline (its <c>Request-Timeout</c> header in milliseconds, capped at
/// <see cref="ApiOptions.MaxRequestTimeout"/>, or the endpoint's default) and runs the endpoint inside it, so every
/// grain call the request makes, and every call those make, gets only the time that is left.
/// </summary>
internal sealed class RequestDeadlineFilter(IOptions<ApiOptions> options, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var settings = options.Value;
        var header = http.Request.Headers[RequestDeadline.Header];
        TimeSpan budget;
        var fromHeader = header.Count > 0;
        if (fromHeader)
        {
            if (header.Count > 1 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds < 1)
            {
                return ApiProblems.Create(
                    http,
                    ProblemTypes.InvalidRequestTimeout,
                    $"{RequestDeadline.Header} must be one whole number of milliseconds, 1 or more (for example {RequestDeadline.Header}: 2000), not '{header}'. Nothing was done.");
            }

            // Capped, not refused, like Prefer: wait: a client asking for more simply gets the most we give.
            budget = TimeSpan.FromMilliseconds(Math.Min(milliseconds, settings.MaxRequestTimeout.TotalMilliseconds));
        }
        else
        {
            var name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            budget = name is not null && settings.RequestTimeouts.TryGetValue(name, out var configured) ? configured : settings.GrainCallTimeout;

            // Without a deadline of its own, a request that asks to wait gets the wait on top of the default, as before.
            if (PreferWait.Parse(http.Request.Headers[PreferWait.PreferHeader], settings.MaxPreferWait) is { } wait)
            {
                budget += TimeSpan.FromSeconds(wait);
            }
        }

        var deadline = new RequestDeadline(time.GetUtcNow() + budget, budget, fromHeader);
        http.Features.Set(deadline);
        using (CallDeadline.WithDeadline(deadline.Deadline))
        {
            return await next(context).ConfigureAwait(false);
        }
    }
}
