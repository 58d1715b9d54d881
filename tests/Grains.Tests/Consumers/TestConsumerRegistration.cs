using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Resources;

namespace OrleansConsistency.Grains.Tests.Consumers;

/// <summary>Registers test consumers on a silo as in-process consumers that every intent waits for, retrying fast.</summary>
internal static class TestConsumerRegistration
{
    public static IServiceCollection AddRequiredTestConsumers(this IServiceCollection services, IReadOnlyList<TestConsumer> consumers)
    {
        foreach (var consumer in consumers)
        {
            services.AddSingleton<IResourceConsumer>(consumer);
        }

        services.Configure<ConsumersOptions>(options =>
        {
            options.SweepInterval = TimeSpan.FromMilliseconds(500);
            foreach (var consumer in consumers)
            {
                options.Consumers[consumer.Name] = new ConsumerOptions { Kind = "in-process", RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(400) };
            }
        });
        return services.Configure<ResourcesOptions>(options =>
        {
            foreach (var consumer in consumers)
            {
                options.Defaults.RequiredConsumers.Add(consumer.Name);
            }
        });
    }
}
