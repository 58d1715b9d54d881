using Microsoft.AspNetCore.Hosting;

namespace OrleansConsistency.Api.Tests.Conflicts;

/// <summary>The API with a type per conflict policy: tickets (manual) and accounts (reject).</summary>
public sealed class ConflictApiFactory : ApiFactory
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Resources:Types:tickets:ConflictPolicy", "manual");
        builder.UseSetting("Resources:Types:accounts:ConflictPolicy", "reject");
    }
}
