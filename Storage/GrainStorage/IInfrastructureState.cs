namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>
/// Marks a grain state that is the system's own bookkeeping (such as the API key registry) rather than a product
/// write: injected "fail the next N writes" faults leave it alone, so that a test's count covers its own writes only,
/// as with Orleans' own grains (see <see cref="GrainStateWrite.IsInfrastructure"/>).
/// </summary>
public interface IInfrastructureState;
