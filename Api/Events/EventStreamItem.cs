namespace OrleansConsistency.Api.Events;

/// <summary>One Server-Sent Event, ready to write.</summary>
/// <param name="Id">The <c>id:</c> line (the resume point), or null for events that must not move it.</param>
/// <param name="Event">The <c>event:</c> name.</param>
/// <param name="Data">The data, JSON.</param>
/// <param name="NotBefore">
/// For an event without id: the id that must have been written first (a settled notice never precedes the applied
/// event of its version, which reaches the API by another path), or null to write it as it comes.
/// </param>
internal sealed record EventStreamItem(long? Id, string Event, string Data, long? NotBefore = null);
