using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>The OTLP tracer and meter providers, alive while the host runs, flushed when it stops.</summary>
internal sealed class OpenTelemetryExporters(IConfiguration configuration) : IHostedService, IDisposable
{
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // CreateDefault reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; a name is given only when neither names one.
        var resource = ResourceBuilder.CreateDefault();
        if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])
            && configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Contains("service.name", StringComparison.Ordinal) != true)
        {
            resource.AddService("orleansconsistency");
        }

        // The exporters read OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers, timeout) themselves.
        _tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource([.. ApiTelemetry.SourceNames])
            .AddOtlpExporter()
            .Build();
        _metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([.. ApiTelemetry.MeterNames])
            .AddOtlpExporter()
            .Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracing?.ForceFlush(5000);
        _metrics?.ForceFlush(5000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
    }
}
