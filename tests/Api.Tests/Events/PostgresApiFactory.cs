using Microsoft.AspNetCore.Hosting;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Api.Tests.Events;

/// <summary>
/// The API with its co-hosted silo on a fresh PostgreSQL database (the server of <c>OC_TEST_POSTGRES</c>, else a local
/// one): the storage whose commits interleave, where the stream's late-commit window matters. The read model is
/// required, and keep-alives are quick.
/// </summary>
public sealed class PostgresApiFactory : ApiFactory, IAsyncLifetime
{
    private string? _connectionString;

    /// <summary>The database's connection string (set before the host starts).</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    async Task IAsyncLifetime.InitializeAsync() =>
        _connectionString = await (await PostgresServer.StartAsync()).CreateDatabaseAsync("apievents");

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Silo:Storage:Provider", "postgresql");
        builder.UseSetting("Silo:Storage:ConnectionString", ConnectionString);
        builder.UseSetting("Consumers:read-model:Kind", "read-model");
        builder.UseSetting("Resources:Defaults:RequiredConsumers:0", "read-model");
        builder.UseSetting("Api:EventsHeartbeat", "00:00:00.500");
    }
}
