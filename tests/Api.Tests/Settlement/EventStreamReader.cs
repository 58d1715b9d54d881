namespace OrleansConsistency.Api.Tests.Settlement;

/// <summary>One Server-Sent Event as a client sees it.</summary>
internal sealed record ServerSentEvent(string? Id, string? Event, string Data);

/// <summary>Reads a text/event-stream response event by event, as EventSource does (comments and retry lines skipped).</summary>
internal sealed class EventStreamReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    public int Comments { get; private set; }

    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? id = null, name = null;
        var data = new List<string>();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0 || name is not null)
                {
                    return new ServerSentEvent(id, name, string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Add(value); break;
                default: break;
            }
        }

        return null;
    }

    /// <summary>Reads until an event with this id has been read; returns every event read, in order.</summary>
    public async Task<List<ServerSentEvent>> ReadThroughIdAsync(long id, CancellationToken cancellationToken)
    {
        var events = new List<ServerSentEvent>();
        while (await ReadAsync(cancellationToken) is { } next)
        {
            events.Add(next);
            if (next.Id == id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return events;
            }
        }

        throw new InvalidOperationException($"The stream ended before event {id}.");
    }

    /// <summary>Reads lines until a comment (such as a keep-alive); returns it.</summary>
    public async Task<string> ReadCommentAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(':'))
            {
                Comments++;
                return line;
            }
        }

        throw new InvalidOperationException("The stream ended before a comment.");
    }

    public void Dispose() => _reader.Dispose();
}
