using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Api.Tests;

/// <summary>
/// One <see cref="IMeterFactory"/> for every host of the test process (the API hosts and the sample dependencies run on
/// loopback), as a deployed process has one host. Orleans
/// and ASP.NET Core create their meters (<c>Microsoft.Orleans</c>, <c>Microsoft.AspNetCore.Hosting</c>) from the host's
/// factory and dispose them when the host stops, and the OpenTelemetry SDK merges same-named instruments of every meter it
/// listens to (other hosts' too) into one metric, which it drops once any of them is disposed: with a factory per host,
/// a test host that stops takes another host's <c>orleans_*</c> and <c>http_server_*</c> series off its <c>/metrics</c>.
/// Shared and never disposed, the meters live as long as the process, like the product's static ones.
/// </summary>
internal sealed class ProcessMeterFactory : IMeterFactory
{
    public static readonly ProcessMeterFactory Instance = new();

    private readonly ConcurrentDictionary<(string Name, string? Version), Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _meters.GetOrAdd((options.Name, options.Version), static (key, state) => new ProcessMeter(new MeterOptions(key.Name)
        {
            Version = key.Version,
            Tags = state.Options.Tags,
            Scope = state.Factory,
        }), (Options: options, Factory: this));
    }

    /// <summary>Hosts stop and dispose their services; the meters stay for the next host.</summary>
    public void Dispose()
    {
    }

    /// <summary>A meter that outlives the host that disposes it (a host disposes what its factory gave it).</summary>
    private sealed class ProcessMeter(MeterOptions options) : Meter(options)
    {
#pragma warning disable CA2215 // Not disposing is the point: the meter belongs to the process, not to the host.
        protected override void Dispose(bool disposing)
        {
        }
#pragma warning restore CA2215
    }
}
