using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Storage.Tests.Streams;

/// <summary>What <c>Silo:Streams</c> accepts; a bad value stops the start with a message naming the setting.</summary>
public sealed class EventsTableStreamOptionsTests
{
    public static TheoryData<string, string> BadSettings => new()
    {
        { "QueueCount=0", nameof(EventsTableStreamOptions.QueueCount) },
        { "QueueCount=1025", nameof(EventsTableStreamOptions.QueueCount) },
        { "PollInterval=0", nameof(EventsTableStreamOptions.PollInterval) },
        { "PollInterval=2min", nameof(EventsTableStreamOptions.PollInterval) },
        { "WakeCheckInterval=0", nameof(EventsTableStreamOptions.WakeCheckInterval) },
        { "WakeCheckInterval>PollInterval", nameof(EventsTableStreamOptions.WakeCheckInterval) },
        { "LateCommitWindow=-1ms", nameof(EventsTableStreamOptions.LateCommitWindow) },
        { "LateCommitWindow=2min", nameof(EventsTableStreamOptions.LateCommitWindow) },
        { "PageSize=0", nameof(EventsTableStreamOptions.PageSize) },
        { "PageSize=10001", nameof(EventsTableStreamOptions.PageSize) },
        { "CheckpointInterval=0", nameof(EventsTableStreamOptions.CheckpointInterval) },
        { "CacheSize<2*PageSize", nameof(EventsTableStreamOptions.CacheSize) },
    };

    [Fact]
    public void Defaults_AndTheEdgesOfEachRange_AreAccepted()
    {
        new EventsTableStreamOptions().Validate();
        new EventsTableStreamOptions
        {
            QueueCount = 1,
            PollInterval = TimeSpan.FromMinutes(1),
            WakeCheckInterval = TimeSpan.FromMinutes(1),
            LateCommitWindow = TimeSpan.Zero,
            PageSize = 1,
            CheckpointInterval = TimeSpan.FromTicks(1),
            CacheSize = 2,
        }.Validate();
        new EventsTableStreamOptions { QueueCount = 1024, LateCommitWindow = TimeSpan.FromMinutes(1), PageSize = 10_000, CacheSize = 20_000 }.Validate();
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_IsRefusedNamingIt(string change, string setting)
    {
        var options = new EventsTableStreamOptions();
        Apply(options, change);

        var refused = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith($"Silo:Streams:{setting} must be", refused.Message, StringComparison.Ordinal);
    }

    private static void Apply(EventsTableStreamOptions options, string change)
    {
        switch (change)
        {
            case "QueueCount=0": options.QueueCount = 0; break;
            case "QueueCount=1025": options.QueueCount = 1025; break;
            case "PollInterval=0": options.PollInterval = TimeSpan.Zero; break;
            case "PollInterval=2min": options.PollInterval = TimeSpan.FromMinutes(2); break;
            case "WakeCheckInterval=0": options.WakeCheckInterval = TimeSpan.Zero; break;
            case "WakeCheckInterval>PollInterval": options.WakeCheckInterval = options.PollInterval + TimeSpan.FromMilliseconds(1); break;
            case "LateCommitWindow=-1ms": options.LateCommitWindow = TimeSpan.FromMilliseconds(-1); break;
            case "LateCommitWindow=2min": options.LateCommitWindow = TimeSpan.FromMinutes(2); break;
            case "PageSize=0": options.PageSize = 0; break;
            case "PageSize=10001": options.PageSize = 10_001; options.CacheSize = 30_000; break;
            case "CheckpointInterval=0": options.CheckpointInterval = TimeSpan.Zero; break;
            case "CacheSize<2*PageSize": options.CacheSize = (2 * options.PageSize) - 1; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown change.");
        }
    }
}
