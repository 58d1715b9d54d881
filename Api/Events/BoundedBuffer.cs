using System.Threading.Channels;

namespace OrleansConsistency.Api.Events;

/// <summary>
/// The events waiting for one slow client, at most a fixed number. Offering to a full buffer completes it instead of
/// blocking the publisher or dropping the event: the stream then ends and the client resumes from the last id it got.
/// </summary>
internal sealed class BoundedBuffer(int capacity)
{
    private readonly Channel<EventStreamItem> _channel = Channel.CreateBounded<EventStreamItem>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ChannelReader<EventStreamItem> Reader => _channel.Reader;

    /// <summary>Never blocks; safe to call from delivery callbacks.</summary>
    public void Offer(EventStreamItem item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            _channel.Writer.TryComplete();
        }
    }
}
