using OrleansConsistency.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSilo();
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok());
await app.RunAsync().ConfigureAwait(false);
