using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.LoadShedding;

/// <summary>
/// The API's global concurrency limit (ASP.NET Core rate limiting with one concurrency limiter): past
/// <see cref="LoadSheddingOptions.MaxConcurrentRequests"/> and its queue, a request is answered 503 <c>overloaded</c>
/// with <c>Retry-After</c> at once, so an overload is told to clients instead of growing queues until everything times
/// out. Endpoints marked <c>DisableRateLimiting</c> (event streams, health) are not counted.
/// </summary>
internal static class LoadShedding
{
    public static IServiceCollection AddLoadShedding(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((limiter, api) =>
        {
            var settings = api.Value.LoadShedding;
            var concurrency = new ConcurrencyLimiterOptions
            {
                PermitLimit = settings.MaxConcurrentRequests,
                QueueLimit = settings.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter("all", _ => concurrency));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                var problem = ApiProblems.Create(
                    http,
                    ProblemTypes.Overloaded,
                    $"We are serving as many requests as we can ({settings.MaxConcurrentRequests} at once), so this one was not started: nothing was changed. Try again after Retry-After; a change can reuse its Idempotency-Key.");
                await problem.ExecuteAsync(http).ConfigureAwait(false);
            };
        });
        return services;
    }
}
