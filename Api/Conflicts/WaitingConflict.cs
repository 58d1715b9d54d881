using System.ComponentModel;
using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Api.Conflicts;

/// <summary>One change parked by the manual policy that waits for a decision, as <c>GET .../conflicts</c> lists it.</summary>
/// <param name="Key">The intent's idempotency key.</param>
/// <param name="Session">The client session that sent it (<c>X-Session-Id</c>); null when it named none.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="Conflict">The conflict report it was parked with.</param>
/// <param name="Resolution">Where to POST the decision.</param>
internal sealed record WaitingConflict(
    [property: Description("The intent's idempotency key.")] string Key,
    [property: Description("The client session that sent it (X-Session-Id); absent when it named none.")] string? Session,
    [property: Description("When it was received.")] DateTimeOffset ReceivedAt,
    [property: Description("What it wanted, what it met and by which change.")] ConflictReport Conflict,
    [property: Description("Where to POST the decision: {\"choice\": \"keep-mine\" | \"keep-theirs\" | \"value\"}.")] string Resolution);
