using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// The OpenTelemetry SDK over every meter and source the API has: metrics for <c>GET /metrics</c> (the Prometheus
/// exporter) always, and OTLP export of traces and metrics, configured by the standard <c>OTEL_*</c> environment
/// variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, …) and
/// off unless an endpoint is set (or when <c>OTEL_SDK_DISABLED=true</c>): without a collector, no span is recorded,
/// nothing is exported and nothing is buffered.
/// </summary>
internal static class OpenTelemetryExport
{
    private static readonly string[] EndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>True when the configuration (environment variables included) asks for OTLP export.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)
            && EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(configuration[v]));
    }

    public static IServiceCollection AddOpenTelemetryExport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = IsConfigured(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // The default resource reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; a name is given only when neither names one.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])
                    && configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Contains("service.name", StringComparison.Ordinal) != true)
                {
                    resource.AddService("orleansconsistency");
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. ApiTelemetry.MeterNames])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()

                    // Every scrape reads the instruments afresh: a cached answer would show a scraper (or a test) a
                    // count from before what it just did.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // The exporters read OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers, timeout) themselves.
            telemetry.WithTracing(tracing => tracing
                .AddSource([.. ApiTelemetry.SourceNames])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }
}
