using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.Resources;

/// <summary>
/// Refuses a path whose <c>{type}</c> or <c>{id}</c> breaks the naming rules with one problem for every method,
/// <c>400 invalid-resource-type</c> or <c>400 invalid-resource-id</c>, naming the rule, before the endpoint (and any
/// grain) runs: a bad name changes nothing and reads nothing.
/// </summary>
internal sealed class ResourceRouteFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var values = http.Request.RouteValues;
        if (values.ContainsKey("type") && ResourceRoute.TypeProblem(values["type"] as string) is { } typeProblem)
        {
            return ValueTask.FromResult<object?>(ApiProblems.Create(http, ProblemTypes.InvalidResourceType, typeProblem));
        }

        if (values.ContainsKey("id") && ResourceRoute.IdProblem(values["id"] as string) is { } idProblem)
        {
            return ValueTask.FromResult<object?>(ApiProblems.Create(http, ProblemTypes.InvalidResourceId, idProblem));
        }

        return next(context);
    }
}
