using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Tests.Properties.Conflicts;

/// <summary>
/// The hybrid logical clock as a resource ticks it (<c>Max(clock, remote).Tick(now)</c> when an intent arrives with
/// its issuedAt, <c>Tick(now)</c> for a local change such as a resolution), under a physical clock that jumps both ways.
/// </summary>
public sealed class HybridLogicalClockProperties
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 500, Arbitrary = [typeof(HybridLogicalClockProperties)])]
    public bool Tick_AnySequenceOfLocalTicksAndReceives_GivesStrictlyIncreasingTimestamps(ClockStep[] steps)
    {
        var physical = new FakeTimeProvider(Start);
        var clock = HlcTimestamp.Zero;
        foreach (var step in steps)
        {
            // AdjustTime, unlike Advance, may move the clock back, as NTP does to a silo.
            physical.AdjustTime(Start + TimeSpan.FromMilliseconds(step.PhysicalOffsetMillis));
            var next = step.Remote is { } remote
                ? HlcTimestamp.Max(clock, remote).Tick(physical.GetUtcNow())
                : clock.Tick(physical.GetUtcNow());
            if (next <= clock || (step.Remote is { } received && next <= received))
            {
                return false;
            }

            clock = next;
        }

        return true;
    }

    /// <summary>Physical times within a few seconds of each other, so ticks often share a millisecond or go back.</summary>
    public static Arbitrary<ClockStep[]> Steps() => Arb.From(Gen.ArrayOf(
        from physical in Gen.Choose(-3_000, 3_000)
        from receives in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from remote in Gen.Choose(-5_000, 5_000)
        from counter in Gen.Choose(0, 3)
        select new ClockStep(physical, receives ? new HlcTimestamp(Start.ToUnixTimeMilliseconds() + remote, counter) : null)));

    /// <summary>One reading: the physical clock's offset from the start and, for a receive, the remote timestamp.</summary>
    public sealed record ClockStep(int PhysicalOffsetMillis, HlcTimestamp? Remote);
}
