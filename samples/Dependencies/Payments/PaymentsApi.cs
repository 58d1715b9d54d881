using Microsoft.AspNetCore.Mvc;
using OrleansConsistency.Dependencies.Chaos;

namespace OrleansConsistency.Dependencies.Payments;

/// <summary>
/// The payment service: <c>POST /charges</c> and <c>POST /refunds</c> (each with an <c>Idempotency-Key</c>), and
/// <c>GET /ledger</c> to check the books.
/// </summary>
public static class PaymentsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/charges", (ChargeRequest request, [FromHeader(Name = "Idempotency-Key")] string? key, PaymentLedger ledger, ChaosControl chaos, HttpContext context) =>
            string.IsNullOrEmpty(key) ? Task.FromResult(MissingKey())
            : request.AmountCents <= 0 || string.IsNullOrEmpty(request.OrderId) || string.IsNullOrEmpty(request.Card)
                ? Task.FromResult(Results.Problem("orderId, card and a positive amountCents are required.", statusCode: StatusCodes.Status400BadRequest))
                : ChaosEndpoint.RunAsync(chaos, context, () =>
                {
                    var (outcome, entry) = ledger.Charge(key, request);
                    return outcome switch
                    {
                        ChargeOutcome.Charged => Results.Created($"/charges/{entry!.ChargeId}", entry),
                        ChargeOutcome.Replayed => Results.Ok(entry),
                        ChargeOutcome.Declined => Results.Problem($"The card ending {request.Card[^4..]} was declined.", statusCode: StatusCodes.Status402PaymentRequired),
                        ChargeOutcome.Voided => Results.Problem("This charge was cancelled (refunded) before it arrived; nothing was taken.", statusCode: StatusCodes.Status409Conflict),
                        _ => Results.Problem("The Idempotency-Key was used for a different charge.", statusCode: StatusCodes.Status422UnprocessableEntity),
                    };
                }));

        app.MapPost("/refunds", (RefundRequest request, [FromHeader(Name = "Idempotency-Key")] string? key, PaymentLedger ledger, ChaosControl chaos, HttpContext context) =>
            string.IsNullOrEmpty(key) ? Task.FromResult(MissingKey())
            : string.IsNullOrEmpty(request.ChargeKey) ? Task.FromResult(Results.Problem("chargeKey is required.", statusCode: StatusCodes.Status400BadRequest))
            : ChaosEndpoint.RunAsync(chaos, context, () => Results.Ok(ledger.Refund(request.ChargeKey))));

        app.MapGet("/ledger", (PaymentLedger ledger) => Results.Ok(ledger.Entries()));
        return app;
    }

    private static IResult MissingKey() => Results.Problem("The Idempotency-Key header is required.", statusCode: StatusCodes.Status400BadRequest);
}
