extern alias api;

using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Browser.Tests;

/// <summary>
/// The API with its co-hosted silo on a real loopback port (Kestrel, port 0), over a fresh SQLite file, so that a
/// real browser can load its pages. A short staleness bound makes "delayed" quick to reach.
/// </summary>
public sealed class BrowserApi : WebApplicationFactory<api::Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansconsistency-browser-tests", Guid.NewGuid().ToString("N"));

    public BrowserApi()
    {
        UseKestrel(0);
    }

    /// <summary>The type whose conflicts are parked for a person to resolve (issue 7's <c>manual</c> policy).</summary>
    public const string ManualConflictType = "notes";

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Silo:Storage:Provider", "sqlite");
        builder.UseSetting("Silo:Storage:ConnectionString", $"Data Source={Path.Combine(_directory, "browser.db")}");

        // The co-hosted silo gets Orleans ports of its own: other test processes may run silos at the same time.
        builder.UseSetting("Silo:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Silo:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Resources:Defaults:StalenessBound", "00:00:01");
        builder.UseSetting($"Resources:Types:{ManualConflictType}:ConflictPolicy", "manual");
        builder.UseSetting("Api:FaultInjection", "true");

        // Trends sampled every second, so that the operator page's plots have points within a test's time.
        builder.UseSetting("Api:TrendInterval", "00:00:01");
        builder.UseSetting(TestApiKeys.BootstrapSetting, TestApiKeys.Operator);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
