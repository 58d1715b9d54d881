namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// The most recent failures of this process (refused intents, consumer retries and give-ups) with their reasons in
/// plain words, for the operator page. Bounded, in memory, per process: metrics carry the counts; this carries the
/// words.
/// </summary>
public static class FailureLog
{
    /// <summary>How many failures are kept.</summary>
    public const int Capacity = 100;

    private static readonly Queue<RecentFailure> Recent = new();
    private static readonly Lock Gate = new();

    /// <summary>The longest resource name kept; longer ones (made-up ids of refused requests) are shortened.</summary>
    public const int MaxResourceLength = 120;

    /// <summary>The longest reason kept.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Records a failure, dropping the oldest when full; client-supplied text is shortened for display.</summary>
    public static void Record(RecentFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        failure = failure with
        {
            Resource = failure.Resource is null ? null : DisplayText.Shorten(failure.Resource, MaxResourceLength),
            Code = DisplayText.Shorten(failure.Code, 64),
            Reason = DisplayText.Shorten(failure.Reason, MaxReasonLength),
        };
        lock (Gate)
        {
            Recent.Enqueue(failure);
            while (Recent.Count > Capacity)
            {
                Recent.Dequeue();
            }
        }
    }

    /// <summary>The failures kept, newest first.</summary>
    public static IReadOnlyList<RecentFailure> Read(int max = Capacity)
    {
        lock (Gate)
        {
            return [.. Recent.Reverse().Take(max)];
        }
    }
}
