using OrleansConsistency.Dependencies.Hosting;

namespace OrleansConsistency.Dependencies;

/// <summary>
/// Runs one sample dependency of the checkout saga: <c>--service payment</c> or <c>--service messaging</c>
/// (<c>--urls</c> as any ASP.NET Core app). In a namespace, so tests can reference it next to the API's Program.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task Main(string[] args)
    {
        await using var app = DependencyServiceHost.Build(args);
        await app.RunAsync();
    }
}
