extern alias api;

using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests;

/// <summary>
/// The API with its co-hosted silo, over a fresh SQLite file, served in memory. Shared by one test collection, so the
/// silo starts once; tests keep apart by using their own resource ids.
/// </summary>
public class ApiFactory : WebApplicationFactory<api::Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansconsistency-api-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(_directory, "api.db");

    /// <summary>The co-hosted silo's Orleans gateway port on loopback, for tests that join as an Orleans client.</summary>
    public int GatewayPort { get; } = FreePort.Next();

    /// <summary>The co-hosted silo's Orleans silo-to-silo port on loopback.</summary>
    public int SiloPort { get; } = FreePort.Next();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Silo:Storage:Provider", "sqlite");
        builder.UseSetting("Silo:Storage:ConnectionString", $"Data Source={DatabasePath}");

        // Several co-hosted silos run side by side in one test process: each gets its own Orleans ports.
        builder.UseSetting("Silo:SiloPort", SiloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Silo:GatewayPort", GatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting(TestApiKeys.BootstrapSetting, TestApiKeys.Operator);

        // The suite's own callers are not the noisy tenants the limits are for (RateLimitTests sets its own).
        foreach (var (name, value) in TestLimits.Settings)
        {
            builder.UseSetting(name, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance));
        Configure(builder);
    }

    /// <summary>
    /// How many intent records and events the database holds for a resource, read straight from the file: the
    /// strongest evidence that a refused request changed nothing.
    /// </summary>
    public async Task<(long Intents, long Events)> CountStoredAsync(string type, string id, string tenant = ResourceTenant.Default)
    {
        var resource = new ResourceKey(type, id, tenant);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        return (await CountAsync(connection, "SELECT COUNT(*) FROM intents WHERE resource_id = $a", resource.GrainKey),
            await CountAsync(connection, "SELECT COUNT(*) FROM events WHERE stream_namespace = $a AND stream_key = $b", resource.StreamNamespace, id));
    }

    /// <summary>Every intent record and event the database holds, for tests that show a refused request changed nothing anywhere.</summary>
    public async Task<(long Intents, long Events)> CountAllStoredAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        return (await CountAsync(connection, "SELECT COUNT(*) FROM intents"), await CountAsync(connection, "SELECT COUNT(*) FROM events"));
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql, string? a = null, string? b = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (a is not null)
        {
            command.Parameters.AddWithValue("$a", a);
        }

        if (b is not null)
        {
            command.Parameters.AddWithValue("$b", b);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Clients send the operator key unless a test says otherwise (see <see cref="CreateAnonymousClient"/>).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.Authorize();
    }

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>Extra settings for a fixture that needs them.</summary>
    protected virtual void Configure(IWebHostBuilder builder)
    {
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
                // A temp folder left behind is harmless; failing the run over it is not.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
