using System.Net;
using OrleansConsistency.Grains.Dependencies;
using Polly.CircuitBreaker;
using Polly.Registry;

namespace OrleansConsistency.Grains.Tests.Dependencies;

/// <summary>The per-dependency pipeline: retries only keyed calls, a breaker that opens, a bulkhead that refuses, faults.</summary>
public sealed class DependencyTests
{
    private static DependencyOptions Options(int maxConcurrency = 4, int queueLimit = 4, int minimumThroughput = 10) => new()
    {
        BaseUrl = new Uri("http://127.0.0.1:9"),
        AttemptTimeout = TimeSpan.FromSeconds(30),
        MaxRetryAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        BreakerMinimumThroughput = minimumThroughput,
        BreakerFailureRatio = 0.5,
        BreakerDuration = TimeSpan.FromMinutes(1),
        MaxConcurrency = maxConcurrency,
        QueueLimit = queueLimit,
    };

    private static HttpRequestException Unavailable() => new("down", null, HttpStatusCode.ServiceUnavailable);

    [Fact]
    public async Task ExecuteAsync_WithoutIdempotencyKey_TriesOnce()
    {
        using var dependency = new Dependency("payment", Options(), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        var attempts = 0;
        await Assert.ThrowsAsync<HttpRequestException>(() => dependency.ExecuteAsync<int>(null, _ => { attempts++; throw Unavailable(); }, CancellationToken.None));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task ExecuteAsync_WithIdempotencyKey_RetriesTransientFailures()
    {
        using var dependency = new Dependency("payment", Options(), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        var attempts = 0;
        var answer = await dependency.ExecuteAsync("k1", _ => ++attempts < 3 ? throw Unavailable() : Task.FromResult(42), CancellationToken.None);
        Assert.Equal((42, 3), (answer, attempts));
    }

    [Fact]
    public async Task ExecuteAsync_Refused_IsNotRetried_AndDoesNotOpenTheBreaker()
    {
        using var dependency = new Dependency("payment", Options(minimumThroughput: 2), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        var attempts = 0;
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<DependencyRejectedException>(() => dependency.ExecuteAsync<int>("k", _ => { attempts++; throw new DependencyRejectedException(HttpStatusCode.PaymentRequired, "declined"); }, CancellationToken.None));
        }

        Assert.Equal(5, attempts);
        Assert.Equal("closed", dependency.Describe().Breaker);
    }

    [Fact]
    public async Task Breaker_OpensAfterRepeatedFailures_RefusesWithoutCalling_AndSaysUntilWhen()
    {
        using var dependency = new Dependency("payment", Options(minimumThroughput: 2), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        var attempts = 0;
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => dependency.ExecuteAsync<int>(null, _ => { attempts++; throw Unavailable(); }, CancellationToken.None));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => dependency.ExecuteAsync<int>("k", _ => { attempts++; return Task.FromResult(1); }, CancellationToken.None));
        Assert.Equal(2, attempts);
        var state = dependency.Describe();
        Assert.Equal("open", state.Breaker);
        Assert.NotNull(state.BreakerOpenUntil);
        Assert.NotNull(dependency.BreakerRetryAfter());
    }

    [Fact]
    public async Task Bulkhead_WhenEverySlotAndQueuePlaceIsTaken_RefusesAtOnce_AndDescribeShowsIt()
    {
        using var dependency = new Dependency("payment", Options(maxConcurrency: 1, queueLimit: 1), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = dependency.ExecuteAsync<int>(null, async _ => { started.TrySetResult(); return await release.Task; }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = dependency.ExecuteAsync<int>(null, _ => Task.FromResult(2), CancellationToken.None);
        var state = dependency.Describe();
        Assert.Equal((1, 1, 1), (state.SlotsInUse, state.SlotLimit, state.Queued));

        await Assert.ThrowsAsync<DependencyBulkheadFullException>(() => dependency.ExecuteAsync<int>(null, _ => Task.FromResult(3), CancellationToken.None));
        Assert.Equal(1, dependency.Describe().Rejected);

        release.SetResult(1);
        Assert.Equal((1, 2), (await holding.WaitAsync(TimeSpan.FromSeconds(10)), await queued.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.Equal(0, dependency.Describe().SlotsInUse);
    }

    [Fact]
    public async Task InjectedOutage_FailsEveryAttemptWithoutCallingTheDependency_UntilCleared()
    {
        using var dependency = new Dependency("payment", Options(), TimeProvider.System, new ResiliencePipelineRegistry<string>()) { Faults = new DependencyFaults { Outage = true } };
        var attempts = 0;
        await Assert.ThrowsAsync<HttpRequestException>(() => dependency.ExecuteAsync("k", _ => Task.FromResult(++attempts), CancellationToken.None));
        Assert.Equal(0, attempts);

        dependency.Faults = new DependencyFaults();
        Assert.Equal(1, await dependency.ExecuteAsync("k", _ => Task.FromResult(++attempts), CancellationToken.None));
    }

    [Fact]
    public void InvalidSettings_AreRefused_NamingTheSetting()
    {
        var options = Options();
        options.MaxConcurrency = 0;
        options.Faults = new DependencyFaults { ErrorRate = 2 };
        var error = Assert.Throws<ArgumentException>(() => new Dependency("payment", options, TimeProvider.System, new ResiliencePipelineRegistry<string>()));
        Assert.Contains("Dependencies:payment:MaxConcurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dependencies:payment:Faults", error.Message, StringComparison.Ordinal);
        using var dependency = new Dependency("payment", Options(), TimeProvider.System, new ResiliencePipelineRegistry<string>());
        Assert.Throws<ArgumentException>(() => dependency.Faults = new DependencyFaults { Latency = TimeSpan.FromSeconds(-1) });
    }
}
