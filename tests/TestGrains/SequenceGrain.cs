
namespace OrleansConsistency.TestGrains;

public interface ISequenceGrain : IGrainWithStringKey
{
    /// <summary>Records the number after a yield, so overlapping calls would be seen.</summary>
    Task Append(int number);

    Task<IReadOnlyList<int>> GetAll();

    /// <summary>The most calls that were ever inside Append at once.</summary>
    Task<int> GetMaxConcurrency();
}

public sealed class SequenceGrain : Grain, ISequenceGrain
{
    private readonly List<int> _numbers = [];
    private int _inside;
    private int _maxInside;

    public async Task Append(int number)
    {
        _maxInside = Math.Max(_maxInside, ++_inside);
        await Task.Yield();
        _numbers.Add(number);
        _inside--;
    }

    public Task<IReadOnlyList<int>> GetAll() => Task.FromResult<IReadOnlyList<int>>([.. _numbers]);

    public Task<int> GetMaxConcurrency() => Task.FromResult(_maxInside);
}
