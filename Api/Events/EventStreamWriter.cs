using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansConsistency.Api.Events;

/// <summary>Writes the <c>text/event-stream</c> format (WHATWG HTML, Server-Sent Events), flushing after each write.</summary>
internal sealed class EventStreamWriter(HttpResponse response)
{
    /// <summary>The reconnection delay sent to clients: soon enough to miss little, late enough not to hammer a restarting server.</summary>
    public const int RetryMilliseconds = 2000;

    /// <summary>Sets the headers and sends the reconnection delay; nothing may be answered but events after this.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";

        // Proxies (nginx) buffer responses unless told not to, which would hold events back until a buffer fills.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteAsync($"retry: {RetryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n", cancellationToken).ConfigureAwait(false);
    }

    public Task WriteEventAsync(EventStreamItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var text = new StringBuilder();
        if (item.Id is { } id)
        {
            text.Append("id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("event: ").Append(item.Event).Append('\n');

        // A data line ends at a line break, so data spanning lines is sent as several data lines (joined again by the client).
        foreach (var line in item.Data.ReplaceLineEndings("\n").Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return WriteAsync(text.Append('\n').ToString(), cancellationToken);
    }

    /// <summary>A comment line: clients ignore it, but it keeps idle connections open and finds dead clients.</summary>
    public Task WriteCommentAsync(string comment, CancellationToken cancellationToken) => WriteAsync($": {comment}\n\n", cancellationToken);

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
