namespace OrleansConsistency.Silo.Deadlines;

/// <summary>Whether every grain this process calls runs in this process, so that "not started" can be promised exactly.</summary>
/// <param name="CallsStayInProcess">True for a single silo (and its co-hosted client) or an in-process test cluster.</param>
internal sealed record DeadlineScope(bool CallsStayInProcess);
