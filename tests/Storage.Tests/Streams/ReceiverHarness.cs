using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Streams;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.Storage.Tests.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Streams;

/// <summary>
/// Real storage of one provider, the provider's queues, one queue to read and a clock that moves only when the test
/// says so, for driving <see cref="EventsTableQueueReceiver"/> by hand as Orleans' pulling agent would. The storage
/// keeps the system clock (its group commit waits on real timers); only the receiver's polls, its waits for the poll
/// and its checkpoints follow the manual one, so an ask that waits stays pending until the test wakes the queue or
/// moves the clock past the poll.
/// </summary>
internal sealed class ReceiverHarness : IAsyncDisposable
{
    public const string ProviderName = "resources";

    /// <summary>Enough for any read or checkpoint of these tests.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();

    private ReceiverHarness(StorageProvider storage, EventsTableStreamOptions options)
    {
        Storage = storage;
        Options = options;
        Queues = new EventQueues(ProviderName, options.QueueCount);
        Queue = Queues.QueueOf(Namespace, "r-0");
        QueueId = Queues.Mapper.GetAllQueues().Single(q => q.GetNumericId() == (uint)Queue);
    }

    public StorageProvider Storage { get; }

    public EventsTableStreamOptions Options { get; }

    public EventQueues Queues { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>Cancelled when the harness is disposed, for an ask a test leaves waiting at its end.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The queue the harness's receivers read.</summary>
    public int Queue { get; }

    public QueueId QueueId { get; }

    /// <summary>The late-commit window the adapter factory gives receivers of this provider (none on SQLite).</summary>
    public TimeSpan LateCommitWindow => Storage.Options.IsPostgres ? Options.LateCommitWindow : TimeSpan.Zero;

    public static async Task<ReceiverHarness> StartAsync(string provider, Action<EventsTableStreamOptions>? configure = null)
    {
        var options = new EventsTableStreamOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            LateCommitWindow = TimeSpan.FromSeconds(1),
            CheckpointInterval = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        options.Validate();
        return new ReceiverHarness(await StorageFixture.CreateStorageAsync(provider), options);
    }

    /// <summary>A receiver of the harness's queue, as the adapter factory makes it.</summary>
    public EventsTableQueueReceiver NewReceiver(EventQueues? queues = null, TimeSpan? lateCommitWindow = null) =>
        new(QueueId, queues ?? Queues, Storage, Storage, Options, lateCommitWindow ?? LateCommitWindow, Clock, NullLogger.Instance);

    /// <summary>Stream keys of <see cref="Namespace"/> that Orleans' mapper puts in the harness's queue.</summary>
    public IReadOnlyList<string> Keys(int count) => KeysOf(Queues, Queue, count);

    /// <summary>A stream key of <see cref="Namespace"/> in another queue.</summary>
    public string KeyOfAnotherQueue() => Enumerable.Range(0, 10_000).Select(i => $"other-{i}").First(k => Queues.QueueOf(Namespace, k) != Queue);

    /// <summary>Commits one event of a new grain, stamped with its stream's queue, and returns it as stored.</summary>
    public async Task<EventRecord> WriteAsync(string streamKey, long version)
    {
        var @event = Event(streamKey, version) with { Queue = Queues.QueueOf(Namespace, streamKey) };
        await Storage.WriteAsync(State($"{streamKey}-v{version}-{Guid.NewGuid():N}", null, records: Records(events: @event)));
        return Assert.Single(await Storage.ReadStreamAsync(Namespace, streamKey, version, 1));
    }

    public Task<long?> CheckpointAsync() => Storage.GetQueueCheckpointAsync(ProviderName, Queue);

    /// <summary>How long (real time) an ask is watched to show that it waits.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// One ask of the pulling agent that does not wait: a wake-up is pending or the poll is due. (An ask that waits
    /// instead ends with <see cref="OperationCanceledException"/> after <see cref="Patience"/>.)
    /// </summary>
    public static Task<IList<IBatchContainer>> ReadAsync(EventsTableQueueReceiver receiver) => StartRead(receiver);

    /// <summary>
    /// One ask of the pulling agent, returned while it runs: it waits up to the next poll for a wake-up. It has run up
    /// to its wait when this returns, unless a checkpoint was due (then <see cref="AssertStillWaitingAsync"/> lets it
    /// get there before the test moves the clock).
    /// </summary>
    public static async Task<IList<IBatchContainer>> StartRead(EventsTableQueueReceiver receiver, CancellationToken cancellationToken = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(Patience);
        return await receiver.GetQueueMessagesAsync(100, cancel.Token);
    }

    /// <summary>Asserts that an ask has neither returned (so it has delivered nothing) nor failed after <see cref="Settle"/>.</summary>
    public static async Task AssertStillWaitingAsync(Task<IList<IBatchContainer>> ask)
    {
        var first = await Task.WhenAny(ask, Task.Delay(Settle));
        if (first == ask)
        {
            // Awaited so that an ask that failed shows its exception.
            var rows = Rows(await ask);
            Assert.Fail($"The ask returned {rows.Count} row(s) instead of waiting for a wake-up or the poll.");
        }
    }

    /// <summary>The rows of a read, once each, in the order read (each row comes in two containers).</summary>
    public static List<EventRecord> Rows(IEnumerable<IBatchContainer> batches) =>
        [.. batches.Cast<EventBatchContainer>().Where(b => b.SequenceToken.EventIndex == 0).Select(b => b.Record)];

    public static List<long> Sequences(IEnumerable<IBatchContainer> batches) => [.. Rows(batches).Select(r => r.Sequence)];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
        await Storage.DisposeAsync();
    }

    private static List<string> KeysOf(EventQueues queues, int queue, int count) =>
        [.. Enumerable.Range(0, 100_000).Select(i => $"r-{i}").Where(k => queues.QueueOf(Namespace, k) == queue).Take(count)];
}
