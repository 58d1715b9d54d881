using System.Collections.Concurrent;

namespace OrleansConsistency.TestGrains;

[GenerateSerializer]
public sealed class TestGrainException(string message) : Exception(message)
{
    public TestGrainException() : this("test")
    {
    }

    public TestGrainException(string message, Exception inner) : this(message + inner.Message)
    {
    }
}

public interface IThrowingGrain : IGrainWithStringKey
{
    Task Fail(string message);

    ValueTask<int> FailSynchronously(string message);
}

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    public async Task Fail(string message)
    {
        await Task.Yield();
        throw new TestGrainException(message);
    }

    public ValueTask<int> FailSynchronously(string message) => throw new ArgumentOutOfRangeException(nameof(message), message);
}

public interface IFailingActivationGrain : IGrainWithStringKey
{
    Task<int> GetActivationNumber();
}

/// <summary>Fails its first activation per key, then activates normally.</summary>
public sealed class FailingActivationGrain : Grain, IFailingActivationGrain
{
    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    private int _activation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = Attempts.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return _activation == 1 ? throw new TestGrainException($"activation {_activation} of {this.GetPrimaryKeyString()} refused") : Task.CompletedTask;
    }

    public Task<int> GetActivationNumber() => Task.FromResult(_activation);
}

[GenerateSerializer]
public sealed class UnserializableState
{
    /// <summary>System.Text.Json refuses pointers, so no value of this type can be stored.</summary>
    [Id(0)]
    public IntPtr Handle { get; set; }
}

public interface IBadStateGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class BadStateGrain([PersistentState("state")] IPersistentState<UnserializableState> state) : Grain, IBadStateGrain
{
    public Task Touch() => state.WriteStateAsync();
}

/// <summary>An interface no silo class implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task DoNothing();
}
