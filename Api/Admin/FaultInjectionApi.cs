using OrleansConsistency.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Admin;

/// <summary>
/// <c>/admin/faults</c>: adds latency, errors or an outage to a named dependency, or latency and failed writes to
/// storage, while the system runs (tests and demos). Mapped only when <c>Api:FaultInjection</c> is true: off by
/// default, so a production API answers 404 here.
/// </summary>
internal static class FaultInjectionApi
{
    public static IEndpointRouteBuilder MapFaultInjectionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/admin/faults").WithTags("Fault injection").RequireAuthorization(ApiPolicies.OperateCluster);
        api.MapGet("/", (DependencyRegistry dependencies, StorageFaultInjector storage) => TypedResults.Ok(Describe(dependencies, storage)))
            .WithName("GetFaults")
            .WithSummary("The faults in force");
        api.MapPut("/dependencies/{name}", SetDependencyFaults)
            .WithName("SetDependencyFaults")
            .WithSummary("Set a dependency's injected faults: latency, errorRate (0 to 1), outage")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/storage", SetStorageFaults)
            .WithName("SetStorageFaults")
            .WithSummary("Set storage's injected faults: writeLatency, failNextWrites, failNextCommitsAfterDurable")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapDelete("/", (DependencyRegistry dependencies, StorageFaultInjector storage) =>
            {
                foreach (var name in dependencies.Names)
                {
                    dependencies.Get(name).Faults = new DependencyFaults();
                }

                storage.Reset();
                return TypedResults.Ok(Describe(dependencies, storage));
            })
            .WithName("ClearFaults")
            .WithSummary("Remove every injected fault");
        return app;
    }

    private static Results<Ok<DependencyFaults>, ProblemHttpResult> SetDependencyFaults(string name, DependencyFaults faults, HttpContext context, DependencyRegistry dependencies)
    {
        if (!dependencies.TryGet(name, out var dependency))
        {
            return ApiProblems.Create(context, ProblemTypes.DependencyNotFound, $"No dependency named '{name}' is configured. Known: {string.Join(", ", dependencies.Names)}.");
        }

        try
        {
            dependency.Faults = faults;
            return TypedResults.Ok(dependency.Faults);
        }
        catch (ArgumentException invalid)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidFaults, invalid.Message);
        }
    }

    private static Results<Ok<StorageFaultsResponse>, ProblemHttpResult> SetStorageFaults(StorageFaultsRequest faults, HttpContext context, StorageFaultInjector storage)
    {
        if (faults.WriteLatency < TimeSpan.Zero || faults.FailNextWrites < 0 || faults.FailNextCommitsAfterDurable < 0)
        {
            return ApiProblems.Create(context, ProblemTypes.InvalidFaults, "writeLatency, failNextWrites and failNextCommitsAfterDurable must not be negative.");
        }

        if (faults.WriteLatency is { } latency)
        {
            storage.WriteLatency = latency;
        }

        if (faults.FailNextWrites is { } writes)
        {
            storage.FailNextWrites(writes);
        }

        if (faults.FailNextCommitsAfterDurable is { } commits)
        {
            storage.FailNextCommitsAfterDurable(commits);
        }

        return TypedResults.Ok(StorageState(storage));
    }

    private static FaultsResponse Describe(DependencyRegistry dependencies, StorageFaultInjector storage) =>
        new(dependencies.Names.ToDictionary(n => n, n => dependencies.Get(n).Faults, StringComparer.Ordinal), StorageState(storage));

    private static StorageFaultsResponse StorageState(StorageFaultInjector storage) =>
        new(storage.WriteLatency, storage.PendingWriteFailures, storage.PendingCommitFailures);
}
