using Microsoft.AspNetCore.Mvc;
using OrleansConsistency.Dependencies.Chaos;

namespace OrleansConsistency.Dependencies.Messaging;

/// <summary>The messaging service: <c>POST /messages</c> (with an <c>Idempotency-Key</c>) and <c>GET /ledger</c>.</summary>
public static class MessagingApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapMessagingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/messages", (MessageRequest request, [FromHeader(Name = "Idempotency-Key")] string? key, Outbox outbox, ChaosControl chaos, HttpContext context) =>
            string.IsNullOrEmpty(key) ? Task.FromResult(Results.Problem("The Idempotency-Key header is required.", statusCode: StatusCodes.Status400BadRequest))
            : string.IsNullOrEmpty(request.To) || !request.To.Contains('@', StringComparison.Ordinal)
                ? Task.FromResult(Results.Problem($"'{request.To}' is not an address messages can be sent to.", statusCode: StatusCodes.Status422UnprocessableEntity))
                : ChaosEndpoint.RunAsync(chaos, context, () =>
                {
                    var (sentNow, message) = outbox.Send(key, request);
                    return sentNow ? Results.Created($"/messages/{message.MessageId}", message) : Results.Ok(message);
                }));

        app.MapGet("/ledger", (Outbox outbox) => Results.Ok(outbox.Messages()));
        return app;
    }
}
