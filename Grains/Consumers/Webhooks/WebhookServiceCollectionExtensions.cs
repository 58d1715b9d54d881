using Microsoft.Extensions.DependencyInjection;

namespace OrleansConsistency.Grains.Consumers.Webhooks;

/// <summary>Registers what webhook consumers send with.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>How long a pooled connection to a receiver is reused, so that a DNS change is followed within that time.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Adds the named <see cref="HttpClient"/> <see cref="WebhookConsumer.HttpClientName"/>.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookConsumer.HttpClientName)
            .ConfigureHttpClient(client =>
            {
                // Each attempt is bounded by the consumer's AttemptTimeout; a client-wide limit would only cut it short.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("OrleansConsistency-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The consumer keeps its client for the silo's life, so connections (not handlers) are what get
                // recycled; and a redirect would silently turn the POST into a GET or send the body elsewhere.
                PooledConnectionLifetime = PooledConnectionLifetime,
                AllowAutoRedirect = false,
            });
        return services;
    }
}
