using System.Text;
using System.Threading.Channels;

namespace OrleansConsistency.CrashWriter;

/// <summary>
/// Prints lines to stdout from one task, so that lines from many writers never interleave mid-line. A line is queued
/// only after what it reports happened, and the buffer is flushed whenever the queue runs empty: a reader sees a line
/// only after its write was acknowledged, at the cost of one write(2) per burst rather than per line.
/// </summary>
internal sealed class LinePrinter
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public LinePrinter() => Completion = Task.Run(PrintAsync);

    /// <summary>Ends when stdout fails, i.e. when the reader went away.</summary>
    public Task Completion { get; }

    public void Post(string line) => _lines.Writer.TryWrite(line);

    private async Task PrintAsync()
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16)
        {
            AutoFlush = false,
            NewLine = "\n",
        };
        await using (stdout)
        {
            var reader = _lines.Reader;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var line))
                {
                    await stdout.WriteLineAsync(line);
                }

                await stdout.FlushAsync();
            }
        }
    }
}
