using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// Orleans' dashboard (<c>Microsoft.Orleans.Dashboard</c>), in two parts as Orleans splits it: every silo collects
/// (a grain call filter that times calls while someone watches, a grain service sampling the silo's statistics and
/// Orleans' meter each second, the dashboard grain), and the web host that serves the pages asks the silos. A web host
/// that co-hosts a silo has both from <see cref="SiloHostingExtensions.AddProductSilo"/>; a pure client adds the asking
/// part with <see cref="AddProductDashboardClient"/>. Every process reads the same switch,
/// <see cref="EnabledSetting"/>, so one environment variable turns it on or off across a cluster.
/// </summary>
public static class DashboardHostingExtensions
{
    /// <summary>The configuration section: <c>Enabled</c>, Orleans' <see cref="DashboardOptions"/>
    /// (<c>HideTrace</c>, <c>CounterUpdateIntervalMs</c>, <c>HistoryLength</c>) and <c>Profiler</c> (Orleans'
    /// <see cref="GrainProfilerOptions"/>: <c>TraceAlways</c>, <c>DeactivationTime</c>).</summary>
    public const string SectionName = "Silo:Dashboard";

    /// <summary>The switch: true (the default) adds the dashboard; false leaves every part of it out.</summary>
    public const string EnabledSetting = SectionName + ":Enabled";

    /// <summary>Whether the dashboard is on in this configuration.</summary>
    public static bool IsDashboardEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue(EnabledSetting, defaultValue: true);
    }

    /// <summary>
    /// Adds the silo's part of the dashboard when <see cref="EnabledSetting"/> is on. Called once per silo, by
    /// <see cref="SiloHostingExtensions.AddProductSilo"/> (Orleans' <c>AddDashboard</c> adds its grain call filter
    /// again on each call).
    /// </summary>
    public static ISiloBuilder AddProductDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!IsDashboardEnabled(configuration))
        {
            return silo;
        }

        var options = ReadOptions(configuration);
        silo.AddDashboard(o => Copy(options, o));
        silo.Services.Configure<GrainProfilerOptions>(configuration.GetSection($"{SectionName}:Profiler"));
        return silo;
    }

    /// <summary>
    /// For a web host that is a pure Orleans client (<c>Silo:Cluster:ClientOnly</c>): adds the dashboard's client part,
    /// which asks the silos (they must have the dashboard on too). Nothing when the host co-hosts a silo, whose part
    /// already serves the pages, or when <see cref="EnabledSetting"/> is off.
    /// </summary>
    public static IHostApplicationBuilder AddProductDashboardClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var host = new SiloHostOptions();
        builder.Configuration.GetSection(SiloHostOptions.SectionName).Bind(host);
        if (!IsDashboardEnabled(builder.Configuration) || host.Cluster is not { Enabled: true, ClientOnly: true })
        {
            return builder;
        }

        var options = ReadOptions(builder.Configuration);

        // Orleans keeps one client builder per host: this configures the one AddSilo made.
        builder.UseOrleansClient(client => client.AddDashboard(o => Copy(options, o)));
        return builder;
    }

    private static DashboardOptions ReadOptions(IConfiguration configuration)
    {
        // The live log stream (/dashboard/Trace) is off unless asked for: the API has no authentication, and every
        // log line (resource ids, storage errors) would be readable by whoever reaches it.
        var options = new DashboardOptions { HideTrace = true };
        configuration.GetSection(SectionName).Bind(options);

        // Orleans quietly raises a shorter interval to a second; a setting that is not what runs is refused instead.
        if (options.CounterUpdateIntervalMs < 1000)
        {
            throw new ArgumentException($"{SectionName}:CounterUpdateIntervalMs must be at least 1000; it is {options.CounterUpdateIntervalMs}.");
        }

        if (options.HistoryLength < 1)
        {
            throw new ArgumentException($"{SectionName}:HistoryLength must be at least 1; it is {options.HistoryLength}.");
        }

        return options;
    }

    private static void Copy(DashboardOptions from, DashboardOptions to) =>
        (to.HideTrace, to.CounterUpdateIntervalMs, to.HistoryLength) = (from.HideTrace, from.CounterUpdateIntervalMs, from.HistoryLength);
}
