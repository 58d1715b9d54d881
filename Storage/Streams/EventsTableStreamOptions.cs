namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// How the events-table stream provider reads the log, bound from <c>Silo:Streams</c>. Every silo and client of one
/// deployment must use the same <see cref="QueueCount"/>: it decides which queue each event row is stamped with.
/// </summary>
public sealed class EventsTableStreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Silo:Streams";

    /// <summary>
    /// How many queues the log is split into. Orleans' queue balancer gives each queue to one silo, so this bounds how
    /// many silos share the reading. Default 8. Fixed for a deployment: rows already written keep their queue.
    /// </summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How often a queue reads the log when no commit in this silo woke it: the latency of events committed on other
    /// silos. Default 100 ms (Orleans' own default poll period).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long Orleans' pulling agent pauses after a read that found nothing before it asks the queue again (Orleans'
    /// <c>GetQueueMsgsTimerPeriod</c>). Each ask waits up to the next poll for a local commit to wake the queue, so a
    /// wake-up is served at once except in this pause. Default 5 ms.
    /// </summary>
    public TimeSpan WakeCheckInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// PostgreSQL only: how far back each poll reads again, because a transaction takes its sequence values before it
    /// commits, so a row can become visible after rows with higher sequences. Rows already delivered are not delivered
    /// again. Default 1 s; SQLite's single writer commits in sequence order and needs none.
    /// </summary>
    public TimeSpan LateCommitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True (the default) to wake another silo's reader of a queue right after this silo commits rows to it, so that
    /// the rows are delivered at once rather than at that silo's next poll. At most one small one-way message per silo
    /// per <see cref="WakeCheckInterval"/>; false leaves such rows to the poll.
    /// </summary>
    public bool WakeOtherSilos { get; set; } = true;

    /// <summary>Rows read per database round trip. Default 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>How often a queue stores how far it has delivered (where its next owner resumes). Default 1 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events held in memory per queue for delivery (Orleans' simple queue cache). Default 4096.</summary>
    public int CacheSize { get; set; } = 4096;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        Require(QueueCount is >= 1 and <= 1024, nameof(QueueCount), "between 1 and 1024", QueueCount);
        Require(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromMinutes(1), nameof(PollInterval), "between 1 ms and 1 minute", PollInterval);
        Require(WakeCheckInterval > TimeSpan.Zero && WakeCheckInterval <= PollInterval, nameof(WakeCheckInterval), "positive and at most PollInterval", WakeCheckInterval);
        Require(LateCommitWindow >= TimeSpan.Zero && LateCommitWindow <= TimeSpan.FromMinutes(1), nameof(LateCommitWindow), "between 0 and 1 minute", LateCommitWindow);
        Require(PageSize is >= 1 and <= 10_000, nameof(PageSize), "between 1 and 10000", PageSize);
        Require(CheckpointInterval > TimeSpan.Zero, nameof(CheckpointInterval), "positive", CheckpointInterval);
        Require(CacheSize >= PageSize * 2, nameof(CacheSize), "at least twice PageSize", CacheSize);
    }

    private static void Require(bool valid, string name, string rule, object value)
    {
        if (!valid)
        {
            throw new ArgumentException($"{SectionName}:{name} must be {rule}; it is {value}.");
        }
    }
}
