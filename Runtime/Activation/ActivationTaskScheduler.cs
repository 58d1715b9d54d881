using System.Collections.Concurrent;

namespace OrleansConsistency.Runtime.Activation;

/// <summary>
/// Runs one activation's work: one task at a time, in the order queued, on thread-pool threads. Like Orleans'
/// activation scheduler it goes through the pool's global FIFO queue (never a thread's local LIFO queue) and gives the
/// thread back after a bounded slice, so a busy activation or a tight call chain cannot starve the others.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    /// <summary>Tasks run per slice before the activation yields its thread to other work.</summary>
    private const int MaxTasksPerSlice = 32;

    private readonly ConcurrentQueue<Task> _queue = new();
    private int _scheduled;
    private int _runningThreadId;

    public override int MaximumConcurrencyLevel => 1;

    void IThreadPoolWorkItem.Execute()
    {
        Volatile.Write(ref _runningThreadId, Environment.CurrentManagedThreadId);
        try
        {
            for (var i = 0; i < MaxTasksPerSlice && _queue.TryDequeue(out var task); i++)
            {
                TryExecuteTask(task);
            }
        }
        finally
        {
            Volatile.Write(ref _runningThreadId, 0);

            // A full fence, not a volatile write: the read of the queue below must not move before this store, or a
            // task queued right now could see "scheduled" still set while this slice sees an empty queue, and no
            // one would ever run it (a lost wake-up).
            Interlocked.Exchange(ref _scheduled, 0);
        }

        // Queued during the slice, or left over: go to the back of the pool's queue, behind everyone else.
        if (!_queue.IsEmpty)
        {
            Schedule();
        }
    }

    protected override void QueueTask(Task task)
    {
        _queue.Enqueue(task);
        Schedule();
    }

    /// <summary>Inlining is allowed only on the thread running this activation's slice, so exclusivity holds.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && Volatile.Read(ref _runningThreadId) == Environment.CurrentManagedThreadId && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
