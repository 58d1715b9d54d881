using Scalar.AspNetCore;

namespace OrleansConsistency.Api.OpenApi;

/// <summary>
/// <c>/docs</c>: a browsable reference of <c>/openapi/v1.json</c> (Scalar). Everything it needs is served from here:
/// Scalar.AspNetCore embeds its script, and nothing that would reach another host (fonts, request proxy, telemetry,
/// its AI agent, its developer toolbar) is switched on, so the reference works on a machine without internet and tells nobody it was read.
/// </summary>
internal static class ApiReferencePage
{
    public const string Path = "/docs";

    // Scalar renders from an inline configuration script and inline styles; everything else is this origin.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:";

    public static IEndpointRouteBuilder MapApiReferencePage(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapScalarApiReference(Path, options =>
            {
                options.WithTitle("OrleansConsistency API")
                    .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp();

                // Its toolbar (share, generate an SDK, deploy) sends the document to Scalar's services.
                options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            })
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                return await next(context).ConfigureAwait(false);
            })
            .ExcludeFromDescription()
            .DisableRateLimiting()
            .AllowAnonymous();
        return app;
    }
}
