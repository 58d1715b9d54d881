namespace OrleansConsistency.Dependencies.Messaging;

/// <summary>One line of the outbox, by the message's idempotency key.</summary>
/// <param name="Key">The idempotency key.</param>
/// <param name="MessageId">The service's id of the message.</param>
/// <param name="To">The recipient.</param>
/// <param name="Subject">The subject.</param>
/// <param name="TimesSent">How many times it was sent: 1, never more.</param>
/// <param name="Requests">How many requests came with this key (retries included).</param>
public sealed record SentMessage(string Key, string MessageId, string To, string Subject, int TimesSent, int Requests);
