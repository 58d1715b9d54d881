using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Deadlines;

namespace OrleansConsistency.Silo.Deadlines;

/// <summary>
/// Decides exactly once, for a call made and served in this process, whether it started before its caller gave up on
/// it: the callee claims it to start, the caller claims it to abandon, and only one of them can win. That is what lets
/// a timed-out caller promise "not started, nothing changed". Calls that cross processes have no claim: their
/// caller cannot know, and says "started" (outcome unknown).
/// </summary>
internal sealed class CallClaim
{
    /// <summary>The <c>RequestContext</c> key carrying the claim's id to the callee.</summary>
    public const string RequestContextKey = "oc-call-claim";

    private const int Waiting = 0;
    private const int Running = 1;
    private const int Abandoned = 2;

    private static readonly ConcurrentDictionary<string, CallClaim> Open = new(StringComparer.Ordinal);
    private int _phase;

    private CallClaim(string id) => Id = id;

    /// <summary>The claim's id, unique in this process.</summary>
    public string Id { get; }

    /// <summary>Opens a claim for one outgoing call; close it once the caller is done with the call.</summary>
    public static CallClaim Create()
    {
        var claim = new CallClaim(CallDeadline.ProcessOrigin + Guid.NewGuid().ToString("N"));
        Open[claim.Id] = claim;
        return claim;
    }

    /// <summary>The open claim with this id, if it was made in this process.</summary>
    public static CallClaim? Find(string id) => Open.TryGetValue(id, out var claim) ? claim : null;

    /// <summary>
    /// True when the claim was made in this process: if it is no longer open, its caller already has an answer or gave
    /// up (possibly a hair before the deadline, by its timer), and the call must not start.
    /// </summary>
    public static bool IsFromThisProcess(string id) => id.StartsWith(CallDeadline.ProcessOrigin, StringComparison.Ordinal);

    /// <summary>Forgets the claim: the caller has its answer or gave up.</summary>
    public void Close() => Open.TryRemove(Id, out _);

    /// <summary>The callee's claim: true when the call may run; false when its caller already abandoned it.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _phase, Running, Waiting) != Abandoned;

    /// <summary>The caller's claim: true guarantees the call never runs; false means it already started.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _phase, Abandoned, Waiting) != Running;
}
