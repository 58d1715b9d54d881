extern alias api;

using api::OrleansConsistency.Api.Telemetry;
using Microsoft.Extensions.Configuration;

namespace OrleansConsistency.Api.Tests.Telemetry;

/// <summary>OTLP export is on only when an OTEL_EXPORTER_OTLP_* endpoint is configured, and OTEL_SDK_DISABLED wins.</summary>
public sealed class OpenTelemetryExportTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://127.0.0.1:4318", null, null, true)]
    [InlineData(null, "http://127.0.0.1:4318/v1/traces", null, true)]
    [InlineData("http://127.0.0.1:4318", null, "true", false)]
    [InlineData("  ", null, null, false)]
    public void Export_IsOnOnlyWhenAnEndpointIsSet(string? endpoint, string? tracesEndpoint, string? disabled, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
            ["OTEL_SDK_DISABLED"] = disabled,
        }).Build();

        Assert.Equal(expected, OpenTelemetryExport.IsConfigured(configuration));
    }
}
