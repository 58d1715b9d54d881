namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// OTLP export of the product's traces and metrics, configured by the standard <c>OTEL_*</c> environment variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, …) and off
/// unless an endpoint is set (or when <c>OTEL_SDK_DISABLED=true</c>): without a collector, nothing is exported and
/// nothing is buffered.
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

    /// <summary>Starts the exporters when configured; they flush and stop with the host.</summary>
    public static IServiceCollection AddOpenTelemetryExport(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsConfigured(configuration))
        {
            return services;
        }

        services.AddHostedService<OpenTelemetryExporters>();
        return services;
    }
}
