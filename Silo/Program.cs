using Microsoft.Extensions.Hosting;
using OrleansConsistency.Silo.Hosting;

// Configuration comes from the appsettings.json next to the binary, so "dotnet run --project Silo" from the
// repository root reads the silo's own settings; the SQLite file still goes under ./data of the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddSilo();
await builder.Build().RunAsync().ConfigureAwait(false);
