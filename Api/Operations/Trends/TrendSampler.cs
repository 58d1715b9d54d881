using Microsoft.Extensions.Options;
using OrleansConsistency.Api.Telemetry;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Operations.Trends;

/// <summary>
/// Samples what the operator page plots, every <see cref="ApiOptions.TrendInterval"/> (5 s), and keeps the last
/// <see cref="Window"/> (15 minutes) in memory: rates from the counters' deltas, percentiles of the interval's settle
/// and perceived times, and the largest consumer lag. In the process, so the page needs no metrics server; a
/// Prometheus scraping <c>/metrics</c> keeps the long history.
/// </summary>
internal sealed class TrendSampler(SummaryMeters meters, TimeProvider time, IOptions<ApiOptions> options) : BackgroundService
{
    /// <summary>How far back the trends reach.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static readonly double[] Percentiles = [0.5, 0.99];

    private readonly Lock _gate = new();
    private readonly Queue<TrendPoint> _points = new();

    /// <summary>The samples of the last <see cref="Window"/>, oldest first.</summary>
    public IReadOnlyList<TrendPoint> Points()
    {
        lock (_gate)
        {
            return [.. _points];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.TrendInterval;
        var capacity = (int)Math.Ceiling(Window / interval);
        var (accepted, settled, started) = Counters();
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var (acceptedNow, settledNow, now) = Counters();
            var seconds = time.GetElapsedTime(started, now).TotalSeconds;
            var settle = Quantiles(SummaryMeters.SettleDuration, interval);
            var saved = Quantiles(PerceivedInstruments.SavedName, interval);
            var done = Quantiles(PerceivedInstruments.DoneName, interval);
            var lag = SettlementInstruments.ReadLags().Values.Select(l => l.Seconds).DefaultIfEmpty(0).Max();
            var point = new TrendPoint(
                time.GetUtcNow(),
                Math.Round((acceptedNow - accepted) / seconds, 2),
                Math.Round((settledNow - settled) / seconds, 2),
                settle?[0],
                settle?[1],
                saved?[0],
                saved?[1],
                done?[0],
                done?[1],
                Math.Round(lag, 3));
            lock (_gate)
            {
                _points.Enqueue(point);
                while (_points.Count > capacity)
                {
                    _points.Dequeue();
                }
            }

            (accepted, settled, started) = (acceptedNow, settledNow, now);
        }
    }

    private (long Accepted, long Settled, long At) Counters() =>
        (meters.Total("oc.intents.accepted"), meters.Total("oc.intents.settled"), time.GetTimestamp());

    private double[]? Quantiles(string histogram, TimeSpan window)
    {
        var (count, quantiles) = meters.RecentQuantiles(histogram, window, Percentiles);
        return count == 0 ? null : [.. quantiles.Select(q => Math.Round(q, 4))];
    }
}
