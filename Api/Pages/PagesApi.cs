using System.Collections.Frozen;
using System.Reflection;

namespace OrleansConsistency.Api.Pages;

/// <summary>
/// The pages people and operators use, served from files compiled into the assembly (Pages/Files): <c>/</c> (follow
/// and edit a resource), <c>/ops</c> (the operator page) and their scripts and styles under <c>/ui/</c>. Plain HTML,
/// CSS and JavaScript: no build step.
/// </summary>
internal static class PagesApi
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The pages are public files; the data they show comes from endpoints that need a key, which they ask for.
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/ops", (HttpContext context) => Serve(context, "ops.html")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/ui/{file}", (string file, HttpContext context) => Serve(context, file)).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.Value.TryGetValue(file, out var content) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
        {
            return Problems.ApiProblems.Create(context, Problems.ProblemTypes.NotFound, $"There is no page file '{file}'.");
        }

        // The pages load only their own scripts and talk only to this API.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(content, contentType);
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("pages/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name["pages/".Length..]] = copy.ToArray();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
