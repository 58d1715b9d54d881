using Npgsql;
using Orleans.Streams;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.Storage.Tests.Storage;
using static OrleansConsistency.Storage.Tests.Streams.ReceiverHarness;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Streams;

/// <summary>
/// The events-table stream receiver driven by hand, as Orleans' pulling agent drives it, against real SQLite and
/// PostgreSQL: where it starts, when it reads, what it delivers (once, on two streams, in token order, late commits
/// included) and where it leaves its checkpoint for the queue's next reader.
/// </summary>
public sealed class EventsTableQueueReceiverTests
{
    [Theory, StorageProviders]
    public async Task Initialize_WithoutCheckpoint_StartsAtTheEndOfTheLog_AndWithOne_AtTheCheckpoint(string provider)
    {
        await using var harness = await StartAsync(provider);
        var key = harness.Keys(1)[0];
        var r1 = await harness.WriteAsync(key, 1);
        var r2 = await harness.WriteAsync(key, 2);
        var r3 = await harness.WriteAsync(key, 3);

        // No checkpoint: what the log held before is the consumers' catch-up, not the stream's.
        var fresh = harness.NewReceiver();
        await fresh.Initialize(Patience);
        Assert.Empty(await ReadAsync(fresh));
        var r4 = await harness.WriteAsync(key, 4);
        harness.Queues.Wake(harness.Queue);
        Assert.Equal([r4.Sequence], Sequences(await ReadAsync(fresh)));

        // A checkpoint: the next reader of the queue goes on after it, with nothing at or below it.
        await harness.Storage.SetQueueCheckpointAsync(ProviderName, harness.Queue, r1.Sequence);
        var resumed = harness.NewReceiver(new EventQueues(ProviderName, harness.Options.QueueCount));
        await resumed.Initialize(Patience);
        Assert.Equal([r2.Sequence, r3.Sequence, r4.Sequence], Sequences(await ReadAsync(resumed)));
    }

    [Theory, StorageProviders]
    public async Task Wake_EndsAWaitingAskAtOnce_WithoutOneTheAskWaitsForThePollAndReadsNothingBefore(string provider)
    {
        await using var harness = await StartAsync(provider);
        var key = harness.Keys(1)[0];
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);
        Assert.Contains(harness.Queue, harness.Queues.LocalQueues);
        Assert.Empty(await ReadAsync(receiver)); // The first ask polls.

        // A row committed without a wake-up (on another silo): the ask waits, up to just before the poll and through
        // another queue's wake-up, and so has read nothing. (Just before: one millisecond, the step of Task.Delay.)
        var r1 = await harness.WriteAsync(key, 1);
        var ask = StartRead(receiver);
        await AssertStillWaitingAsync(ask);
        harness.Clock.Advance(harness.Options.PollInterval - TimeSpan.FromTicks(1));
        await AssertStillWaitingAsync(ask);
        harness.Queues.Wake((harness.Queue + 1) % harness.Options.QueueCount);
        await AssertStillWaitingAsync(ask);

        // The queue's wake-up ends the wait with the row, before the poll.
        harness.Queues.Wake(harness.Queue);
        Assert.Equal([r1.Sequence], Sequences(await ask));

        // A wake-up is used up by one read: the next ask waits again, and a row committed without one waits for the poll.
        var next = StartRead(receiver);
        await AssertStillWaitingAsync(next);
        var r2 = await harness.WriteAsync(key, 2);
        await AssertStillWaitingAsync(next);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1)); // The wait is rounded up to whole milliseconds.
        Assert.Equal([r2.Sequence], Sequences(await next));

        // A wake-up between two asks (the agent's pause after a read) is kept: the next ask reads at once.
        var r3 = await harness.WriteAsync(key, 3);
        harness.Queues.Wake(harness.Queue);
        Assert.Equal([r3.Sequence], Sequences(await ReadAsync(receiver)));
        await AssertStillWaitingAsync(StartRead(receiver, harness.Stopping));
    }

    [Theory, StorageProviders]
    public async Task IdleQueue_AskReturnsNothingAtThePoll_AndACancelledAskEndsWithOperationCanceled(string provider)
    {
        await using var harness = await StartAsync(provider);
        var key = harness.Keys(1)[0];
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);
        Assert.Empty(await ReadAsync(receiver)); // The first ask polls.

        // Nothing is committed: the ask waits for the poll, then returns nothing.
        var idle = StartRead(receiver);
        await AssertStillWaitingAsync(idle);
        harness.Clock.Advance(harness.Options.PollInterval);
        Assert.Empty(await idle);

        // The agent stops asking (the queue moves, the silo stops): the waiting ask ends at once.
        using var cancel = new CancellationTokenSource();
        var cancelled = StartRead(receiver, cancel.Token);
        await AssertStillWaitingAsync(cancelled);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        // The receiver is still whole after it: a wake-up is read at once, and without one the ask waits again.
        var r1 = await harness.WriteAsync(key, 1);
        harness.Queues.Wake(harness.Queue);
        Assert.Equal([r1.Sequence], Sequences(await ReadAsync(receiver)));
        await AssertStillWaitingAsync(StartRead(receiver, harness.Stopping));
    }

    [Fact]
    public async Task Postgres_RowThatTookItsSequenceFirstButCommittedLast_IsDeliveredExactlyOnce_ThanksToTheLateCommitWindow()
    {
        await using var harness = await StartAsync(StorageOptions.PostgresProvider);
        var keys = harness.Keys(2);
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);

        // The same reads without a window, for contrast: it is the window that finds the late row.
        var windowless = harness.NewReceiver(new EventQueues(ProviderName, harness.Options.QueueCount), TimeSpan.Zero);
        await windowless.Initialize(Patience);
        var delivered = new List<IBatchContainer>();
        var windowlessDelivered = new List<IBatchContainer>();
        async Task PollBothAsync()
        {
            harness.Clock.Advance(harness.Options.PollInterval);
            delivered.AddRange(await ReadAsync(receiver));
            windowlessDelivered.AddRange(await ReadAsync(windowless));
        }

        await PollBothAsync();
        await using var early = await OpenAsync(harness);
        await using var late = await OpenAsync(harness);
        await using var earlyTransaction = await early.BeginTransactionAsync();
        await using var lateTransaction = await late.BeginTransactionAsync();
        var earlySequence = await InsertAsync(early, keys[0], harness.Queue);
        var lateSequence = await InsertAsync(late, keys[1], harness.Queue);
        Assert.True(earlySequence < lateSequence);

        await lateTransaction.CommitAsync();
        await PollBothAsync();
        Assert.Equal([lateSequence], Sequences(delivered));

        await earlyTransaction.CommitAsync();
        for (var elapsed = TimeSpan.Zero; elapsed <= 3 * harness.Options.LateCommitWindow; elapsed += harness.Options.PollInterval)
        {
            await PollBothAsync();
        }

        Assert.Equal([lateSequence, earlySequence], Sequences(delivered));
        Assert.Equal([lateSequence], Sequences(windowlessDelivered));
    }

    [Theory, StorageProviders]
    public async Task EachRow_IsDeliveredOnItsStreamAndOnItsNamespaceFeed_WithTokensIncreasingInReadOrder(string provider)
    {
        await using var harness = await StartAsync(provider);
        var keys = harness.Keys(2);
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);
        Assert.Empty(await ReadAsync(receiver));
        var written = new List<EventRecord>
        {
            await harness.WriteAsync(keys[0], 1),
            await harness.WriteAsync(keys[1], 1),
            await harness.WriteAsync(keys[0], 2),
        };
        await harness.WriteAsync(harness.KeyOfAnotherQueue(), 1);
        harness.Queues.Wake(harness.Queue);
        var batches = (await ReadAsync(receiver)).ToList();
        written.Add(await harness.WriteAsync(keys[1], 2));
        harness.Queues.Wake(harness.Queue);
        batches.AddRange(await ReadAsync(receiver));

        Assert.Equal(2 * written.Count, batches.Count);
        var containers = batches.Cast<EventBatchContainer>().ToList();
        for (var i = 0; i < written.Count; i++)
        {
            var (own, feed) = (containers[2 * i], containers[(2 * i) + 1]);
            Assert.Equal(StreamId.Create(Namespace, written[i].StreamKey), own.StreamId);
            Assert.Equal(EventsTableStreams.NamespaceFeed(Namespace), feed.StreamId);
            Assert.All(new[] { own, feed }, c => Assert.Equal(written[i], c.Record));
            Assert.All(new[] { own, feed }, c => Assert.Equal(written[i].Sequence, c.SequenceToken.SequenceNumber));
            Assert.Equal((0, 1), (own.SequenceToken.EventIndex, feed.SequenceToken.EventIndex));
            var (row, token) = Assert.Single(own.GetEvents<EventRecord>());
            Assert.Equal((written[i], own.SequenceToken), (row, token));
        }

        for (var i = 1; i < batches.Count; i++)
        {
            Assert.True(batches[i - 1].SequenceToken.CompareTo(batches[i].SequenceToken) < 0, $"token {i - 1} < token {i}");
            Assert.True(batches[i].SequenceToken.CompareTo(batches[i - 1].SequenceToken) > 0, $"token {i} > token {i - 1}");
        }
    }

    [Theory, StorageProviders]
    public async Task Checkpoint_StoresWhatWasDelivered_NeverPastTheFloor_AndTheQueuesNextReaderResumesThere(string provider)
    {
        await using var harness = await StartAsync(provider);
        var key = harness.Keys(1)[0];
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);
        Assert.Empty(await ReadAsync(receiver));
        var r1 = await harness.WriteAsync(key, 1);
        var r2 = await harness.WriteAsync(key, 2);
        var r3 = await harness.WriteAsync(key, 3);
        harness.Clock.Advance(harness.Options.PollInterval);
        var batches = await ReadAsync(receiver);
        Assert.Equal([r1.Sequence, r2.Sequence, r3.Sequence], Sequences(batches));

        // Orleans' cache hands back what every subscriber has taken: here r1 and r2.
        await receiver.MessagesDeliveredAsync([.. batches.Take(4)], CancellationToken.None);
        harness.Clock.Advance(harness.Options.CheckpointInterval);
        Assert.Empty(await ReadAsync(receiver));

        // SQLite commits in sequence order, so the floor is the highest row read and the checkpoint is what was
        // delivered. On PostgreSQL a row below r1 could still commit until one window after r1..r3 were seen: the
        // floor, and so the checkpoint, stay where the receiver started.
        Assert.Equal(harness.Storage.Options.IsPostgres ? (long?)null : r2.Sequence, await harness.CheckpointAsync());
        for (var round = 0; round < 3; round++)
        {
            harness.Clock.Advance(harness.Options.CheckpointInterval);
            Assert.Empty(await ReadAsync(receiver));
            var stored = await harness.CheckpointAsync();
            Assert.True(stored is null || stored <= r2.Sequence, $"checkpoint {stored} is past what was delivered ({r2.Sequence})");
        }

        Assert.Equal(r2.Sequence, await harness.CheckpointAsync());

        // The receiver is gone without a word (its silo died); the queue's next reader resumes after r2.
        var next = harness.NewReceiver(new EventQueues(ProviderName, harness.Options.QueueCount));
        await next.Initialize(Patience);
        var redelivered = Sequences(await ReadAsync(next));
        for (var elapsed = TimeSpan.Zero; elapsed <= 3 * harness.Options.LateCommitWindow; elapsed += harness.Options.PollInterval)
        {
            harness.Clock.Advance(harness.Options.PollInterval);
            redelivered.AddRange(Sequences(await ReadAsync(next)));
        }

        Assert.Equal([r3.Sequence], redelivered);
    }

    [Theory, StorageProviders]
    public async Task Shutdown_StoresTheCheckpoint_AndStopsBeingWoken(string provider)
    {
        await using var harness = await StartAsync(provider, o => o.CheckpointInterval = TimeSpan.FromHours(1));
        var key = harness.Keys(1)[0];
        var receiver = harness.NewReceiver();
        await receiver.Initialize(Patience);
        Assert.Empty(await ReadAsync(receiver));
        await harness.WriteAsync(key, 1);
        var r2 = await harness.WriteAsync(key, 2);
        harness.Clock.Advance(harness.Options.PollInterval);
        var batches = await ReadAsync(receiver);
        await receiver.MessagesDeliveredAsync(batches, CancellationToken.None);

        // Past the late-commit window, so that the floor is above everything delivered; the interval is not due.
        for (var round = 0; round < 3; round++)
        {
            harness.Clock.Advance(harness.Options.LateCommitWindow);
            Assert.Empty(await ReadAsync(receiver));
        }

        Assert.Null(await harness.CheckpointAsync());

        await receiver.Shutdown(Patience);

        Assert.Equal(r2.Sequence, await harness.CheckpointAsync());
        Assert.DoesNotContain(harness.Queue, harness.Queues.LocalQueues);
    }

    private static async Task<NpgsqlConnection> OpenAsync(ReceiverHarness harness)
    {
        var connection = new NpgsqlConnection(harness.Storage.Options.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Inserts an event row by hand in the connection's open transaction and returns the sequence it took.</summary>
    private static async Task<long> InsertAsync(NpgsqlConnection connection, string streamKey, int queue)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO events (stream_namespace, stream_key, version, type, payload, created_at, queue_id) VALUES ($1, $2, 1, 'applied', '{}', 0, $3) RETURNING seq",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Namespace });
        command.Parameters.Add(new NpgsqlParameter { Value = streamKey });
        command.Parameters.Add(new NpgsqlParameter { Value = queue });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
