using System.Diagnostics.Metrics;
using OrleansConsistency.Grains.Telemetry;
using OrleansConsistency.Storage.Telemetry;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// The API layer's <see cref="Meter"/>, named <see cref="Name"/>, and the list of every source and meter the product
/// has. Request spans are ASP.NET Core's own (<see cref="AspNetCoreSource"/>); the correlation id is tagged on them.
/// </summary>
internal static class ApiTelemetry
{
    /// <summary>The API meter's name.</summary>
    public const string Name = "OrleansConsistency.Api";

    /// <summary>ASP.NET Core's activity source: one span per HTTP request.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>The API's instruments.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Orleans' meter: activations per grain type, grain-call latency, messaging, storage operations.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: grain calls (client and server spans), activation life cycle, storage.</summary>
    public static readonly IReadOnlyList<string> OrleansSources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    /// <summary>.NET's own meter: garbage collections, allocated bytes, thread pool, CPU time (all observable).</summary>
    public const string DotNetRuntimeMeter = "System.Runtime";

    /// <summary>Every meter exported: the product's, one per layer, and .NET's (an operator reading a slow API wants
    /// to see the garbage collector and the thread pool beside it).</summary>
    public static readonly IReadOnlyList<string> MeterNames = [Name, GrainsTelemetry.Name, StorageTelemetry.Name, OrleansMeter, DotNetRuntimeMeter];

    /// <summary>Every activity source a trace of an intent is made of.</summary>
    public static readonly IReadOnlyList<string> SourceNames = [AspNetCoreSource, GrainsTelemetry.Name, .. OrleansSources];
}
