using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OrleansConsistency.Api.Operations;
using OrleansConsistency.Api.Problems;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// Answers refused requests with the API's problems instead of bare status codes: 401 <c>unauthorized</c> with
/// <c>WWW-Authenticate</c>, 403 <c>forbidden</c>. It runs before the endpoint, so neither says whether what was asked
/// for exists.
/// </summary>
internal sealed class AccessProblemsHandler : IAuthorizationMiddlewareResultHandler
{
    public const string Realm = "OrleansConsistency";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Challenged)
        {
            var sent = ApiKeyAuthenticationHandler.KeyOf(context.Request) is not null;
            context.Response.Headers.WWWAuthenticate = ChallengeFor(context, sent);
            await ApiProblems.Create(
                    context,
                    ProblemTypes.Unauthorized,
                    sent
                        ? "The API key or token sent is not valid: it is unknown, revoked, expired or malformed."
                        : $"This needs credentials: send 'Authorization: Bearer <key or token>' or '{ApiKeyAuthenticationHandler.HeaderName}: <key>'. The first start prints an operator key on the console.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            await ApiProblems.Create(
                    context,
                    ProblemTypes.Forbidden,
                    $"These credentials may not do this: it needs {Needed(context)}.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }

    // Browsers show a login prompt for Basic, which is what Orleans' dashboard (plain pages) needs; the API's own
    // pages ask for the key themselves, so their fetches must not trigger that prompt.
    private static string ChallengeFor(HttpContext context, bool sent)
    {
        var bearer = sent ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\"" : $"Bearer realm=\"{Realm}\"";
        return context.Request.Path.StartsWithSegments(OperationsApi.DashboardPath)
            ? $"Basic realm=\"{Realm}\", charset=\"UTF-8\", {bearer}"
            : bearer;
    }

    private static string Needed(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>()?.Policy switch
        {
            ApiPolicies.Read => $"the {ApiRoles.Reader} role",
            ApiPolicies.Write => $"the {ApiRoles.Writer} role",
            ApiPolicies.Operate => $"the {ApiRoles.Operator} role",
            ApiPolicies.OperateCluster => $"the {ApiRoles.Operator} role in the default tenant, because it spans every tenant",
            _ => "a role these credentials do not have",
        };
}
