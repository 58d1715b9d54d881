using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.Limits;

/// <summary>
/// After authorization, so it knows the caller: a request over its tenant's or its key's rate is answered
/// <c>429 rate-limited</c> with <c>Retry-After</c> before anything runs. Anonymous endpoints (health, the pages) are
/// not counted, and neither is a request refused for its credentials (which never got here).
/// </summary>
internal sealed class CallerLimitMiddleware(RequestDelegate next, CallerLimiter limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null || ApiClaims.TenantOf(context.User) is not { } tenant)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var (lease, byTenant) = limiter.TryTakeRequest(tenant, ApiClaims.CallerOf(context.User));
        using (lease)
        {
            if (lease.IsAcquired)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var (who, limit) = byTenant ? ("Your tenant", limiter.Settings.RequestsPerSecondOf(tenant)) : ("This key", limiter.Settings.KeyRequestsPerSecond);
            var detail = $"{who} has made more than its {limit} requests per second, so this one was not started: nothing was changed. Try again after Retry-After; a change can reuse its Idempotency-Key.";
            await ApiProblems.Create(context, ProblemTypes.RateLimited, detail).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
