using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.Extensions.Options;

namespace OrleansConsistency.Api.Problems;

/// <summary>
/// Writes the problems ASP.NET Core's own writer declines: that writer answers only clients whose <c>Accept</c> takes
/// JSON, and leaves the others a bare <c>text/plain</c> status line. A client sending an odd <c>Accept</c> still gets a
/// problem it can read, with its stable type (registered after the default writer, so it is only the fallback).
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ApiProblems.Customize(context);
        var response = context.HttpContext.Response;
        response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(response.Body, context.ProblemDetails, json.Value.SerializerOptions.GetTypeInfo(typeof(ProblemDetails)), context.HttpContext.RequestAborted)
            .ConfigureAwait(false);
    }
}
