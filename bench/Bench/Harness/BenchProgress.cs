using System.Diagnostics;
using Spectre.Console;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// Shows on stderr which case runs, whether it is warming up or measuring, and the time left, so a long run can be
/// watched while stdout (the report) goes to a file unchanged. When stderr is not a terminal, nothing animates.
/// </summary>
public static class BenchProgress
{
    // Decided by stderr alone: Spectre's own detection also looks at stdout, which is redirected to a results file.
    private static readonly IAnsiConsole Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(System.Console.Error),
        Ansi = System.Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Yes,
        Interactive = System.Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Yes,
    });

    /// <summary>Waits for <paramref name="window"/> or <paramref name="stop"/>, whichever is first, showing the time left.</summary>
    /// <param name="label">What runs, e.g. <c>64 workers: warm-up</c>.</param>
    public static async Task WaitAsync(string label, TimeSpan window, Task stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        var waiting = Task.WhenAny(stop, Task.Delay(window));
        if (window <= TimeSpan.Zero || !Console.Profile.Capabilities.Interactive)
        {
            await waiting;
            return;
        }

        await Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: window.TotalSeconds);
                var clock = Stopwatch.StartNew();
                while (!waiting.IsCompleted)
                {
                    // Spectre's remaining-time column guesses from the rate so far; the window's end is known.
                    task.Value = Math.Min(clock.Elapsed.TotalSeconds, window.TotalSeconds);
                    task.Description = Markup.Escape($"{label}, {Math.Max(0, window.TotalSeconds - clock.Elapsed.TotalSeconds):0} s left");
                    await Task.WhenAny(waiting, Task.Delay(250));
                }

                task.Value = window.TotalSeconds;
            });
    }
}
