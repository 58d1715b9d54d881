using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class StorageHealthTests
{
    [Theory, StorageProviders]
    public async Task AfterThresholdFailures_WritesAreRefusedWithoutTrying_UntilAProbeSucceeds(string provider)
    {
        var clock = new FakeTimeProvider(Now);
        await using var storage = await StorageFixture.CreateStorageAsync(
            provider,
            options => { options.BreakerFailureThreshold = 2; options.BreakerDuration = TimeSpan.FromSeconds(30); },
            clock);
        storage.FaultInjector.FailNextWrites(10);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)));
        Assert.True(storage.Health.IsAvailable);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g2", null)));

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g3", null)));

        // Refused without reaching the write path: the injected failures left were not consumed.
        Assert.Equal(8, storage.FaultInjector.PendingWriteFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.False(storage.Health.IsAvailable);
        Assert.Equal("open", storage.Health.State);
        Assert.Null(await storage.ReadAsync(TestGrainType, "g3"));

        storage.FaultInjector.Reset();
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("1", await storage.WriteAsync(State("g3", null)));
        Assert.True(storage.Health.IsAvailable);
        Assert.Equal("closed", storage.Health.State);
        Assert.Null(storage.Health.UnavailableSince);
    }

    [Theory, StorageProviders]
    public async Task AFailedProbe_OpensTheBreakerAgain(string provider)
    {
        var clock = new FakeTimeProvider(Now);
        await using var storage = await StorageFixture.CreateStorageAsync(
            provider,
            options => { options.BreakerFailureThreshold = 1; options.BreakerDuration = TimeSpan.FromSeconds(5); },
            clock);
        storage.FaultInjector.FailNextWrites(2);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)));
        clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)));

        Assert.Equal(0, storage.FaultInjector.PendingWriteFailures);
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)));
        Assert.NotNull(refused.RetryAfter);
    }

    [Fact]
    public async Task PostgresOnARefusedPort_FailsWrites_ThenRefusesThemAtOnce()
    {
        var options = new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            ConnectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Password=none;Database=none;Timeout=5",
            BreakerFailureThreshold = 2,
            BreakerDuration = TimeSpan.FromMinutes(1),
        };
        await using var storage = GrainStorageFactory.Create(options, null, TimeProvider.System, NullLoggerFactory.Instance);

        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Null(failed.RetryAfter);
        }

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null)).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.NotNull(refused.RetryAfter);
        Assert.False(storage.Health.IsAvailable);
        Assert.NotNull(storage.Health.LastError);
    }

    [Fact]
    public void BreakerSettings_OutOfRange_AreRefusedByName()
    {
        var options = new StorageOptions { BreakerFailureThreshold = -1, BreakerDuration = TimeSpan.Zero };

        var exception = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("BreakerFailureThreshold", exception.Message, StringComparison.Ordinal);
        Assert.Contains("BreakerDuration", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound, then released, so a connection to it is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
