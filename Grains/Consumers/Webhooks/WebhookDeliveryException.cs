using System.Net;

namespace OrleansConsistency.Grains.Consumers.Webhooks;

/// <summary>
/// A webhook delivery that failed in a way a later attempt may fix (the receiver was down, slow, overloaded or
/// unreachable). The consumer runner retries it with backoff; the message is written for the operator.
/// </summary>
public sealed class WebhookDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookDeliveryException() : base("The webhook delivery failed.")
    {
    }

    /// <summary>Creates the exception with a message for the operator.</summary>
    public WebhookDeliveryException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure underneath.</summary>
    public WebhookDeliveryException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a receiver's answer.</summary>
    /// <param name="message">The message for the operator.</param>
    /// <param name="statusCode">The receiver's status code.</param>
    /// <param name="retryAfter">How long the receiver asked to wait, if it said.</param>
    public WebhookDeliveryException(string message, HttpStatusCode statusCode, TimeSpan? retryAfter) : base(message)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The receiver's status code; null when no answer came (timeout, connection error).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How long the receiver asked to wait (<c>Retry-After</c>); informative, the runner decides the timing.</summary>
    public TimeSpan? RetryAfter { get; }
}
