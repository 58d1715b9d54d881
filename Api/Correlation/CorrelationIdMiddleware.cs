using System.Diagnostics;
using OrleansConsistency.Grains.Interfaces.Deadlines;
using OrleansConsistency.Storage.Telemetry;

namespace OrleansConsistency.Api.Correlation;

/// <summary>
/// Gives every request a correlation id (the client's when usable, else a new one), echoes it on every response and
/// hands it to the grains through <see cref="RequestContext"/>, so one id ties the HTTP exchange, the logs, the
/// intent record and the transition event together.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[CorrelationId.HeaderName].ToString();

        // A bad id is not worth failing a request over: the client still gets an id it can quote.
        var id = CorrelationId.IsAcceptable(supplied) ? supplied : CorrelationId.Create();
        CorrelationId.Set(context, id);

        // Set when the response starts rather than now: the exception handler clears headers before it writes a 500,
        // and the id matters most on exactly that answer.
        context.Response.OnStarting(
            static state =>
            {
                var (httpContext, correlationId) = ((HttpContext, string))state;
                httpContext.Response.Headers[CorrelationId.HeaderName] = correlationId;
                return Task.CompletedTask;
            },
            (context, id));

        RequestContext.Set(CorrelationId.RequestContextKey, id);

        // The request's span (ASP.NET Core's) carries the id, like every grain, commit and consumer span after it.
        Activity.Current?.SetTag(Grains.Interfaces.Correlation.CorrelationContext.Tag, id);
        try
        {
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            {
                await next(context).ConfigureAwait(false);
            }
        }
        finally
        {
            RequestContext.Remove(CorrelationId.RequestContextKey);
        }
    }
}
