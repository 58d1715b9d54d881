namespace OrleansConsistency.Api.Events;

/// <summary>One Server-Sent Event, ready to write.</summary>
/// <param name="Id">The <c>id:</c> line (the resume point), or null for events that must not move it.</param>
/// <param name="Event">The <c>event:</c> name.</param>
/// <param name="Data">The data, JSON.</param>
internal sealed record EventStreamItem(long? Id, string Event, string Data);
