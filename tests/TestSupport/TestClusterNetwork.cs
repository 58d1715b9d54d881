using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// What <see cref="ProductClusterBuilder.UseTcpAndPostgresMembership"/> changes in Orleans' in-process test cluster
/// (10.4.2), which has no public switch for either: its in-memory transport (registered after every configuration
/// delegate, so removed when the container is built) and its in-process membership table and grain directory (its
/// internal <c>UseTestClusterMembership</c> option).
/// </summary>
internal static class TestClusterNetwork
{
    private static readonly Assembly TestingHost = typeof(InProcessTestCluster).Assembly;

    /// <summary>Turns off the test cluster's membership table, gateway list and grain directory.</summary>
    public static void WithoutTestClusterMembership(InProcessTestClusterOptions options)
    {
        var property = typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException(
                "Orleans' InProcessTestClusterOptions has no UseTestClusterMembership any more: see how this Orleans version's test cluster lets silos use their own membership.");
        property.SetValue(options, false);
    }

    /// <summary>
    /// Removes the test cluster's in-memory connection factories and listeners, so that Orleans' socket transport
    /// (registered first, by Orleans' defaults) is used again.
    /// </summary>
    public static void UseSockets(IServiceCollection services)
    {
        var removed = 0;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.IsKeyedService
                && (descriptor.ServiceType == typeof(IConnectionFactory) || descriptor.ServiceType == typeof(IConnectionListenerFactory))
                && descriptor.KeyedImplementationFactory?.Method.DeclaringType?.Assembly == TestingHost)
            {
                services.RemoveAt(i);
                removed++;
            }
        }

        if (removed == 0)
        {
            throw new InvalidOperationException(
                "Orleans' test cluster registered no in-memory transport to remove: see how this Orleans version's test cluster chooses its transport.");
        }
    }

    /// <summary>Makes every outgoing connection of a silo go through <paramref name="links"/>.</summary>
    public static void RouteThrough(IServiceCollection services, PeerLinks links)
    {
        var routed = 0;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is { IsKeyedService: true, KeyedImplementationFactory: { } create } descriptor && descriptor.ServiceType == typeof(IConnectionFactory))
            {
                services[i] = ServiceDescriptor.KeyedSingleton<IConnectionFactory>(
                    descriptor.ServiceKey,
                    (provider, key) => new PeerLinkConnectionFactory((IConnectionFactory)create(provider, key), links));
                routed++;
            }
        }

        if (routed == 0)
        {
            throw new InvalidOperationException("The silo has no connection factory to route through the peer links.");
        }
    }
}
