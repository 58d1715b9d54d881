namespace OrleansConsistency.Dependencies.Messaging;

/// <summary>A message to send: <paramref name="Text"/> to <paramref name="To"/>.</summary>
public sealed record MessageRequest(string To, string Subject, string Text);
