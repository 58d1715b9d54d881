extern alias api;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace OrleansConsistency.Api.Tests;

/// <summary>
/// The API with its co-hosted silo, over a fresh SQLite file, served in memory. Shared by one test collection, so the
/// silo starts once; tests keep apart by using their own resource ids.
/// </summary>
public class ApiFactory : WebApplicationFactory<api::Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansconsistency-api-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(_directory, "api.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Silo:Storage:Provider", "sqlite");
        builder.UseSetting("Silo:Storage:ConnectionString", $"Data Source={DatabasePath}");
        Configure(builder);
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
