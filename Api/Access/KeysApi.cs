using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Api.Serialization;
using OrleansConsistency.Grains.Interfaces.Access;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Access;

/// <summary>
/// <c>/v1/admin/keys</c>: operators make, list and revoke API keys. An operator of the default tenant manages every
/// tenant's keys; an operator of another tenant only its own, and another tenant's key is "not found" to it.
/// </summary>
internal static class KeysApi
{
    private const int MaxNameLength = 100;

    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/admin/keys").WithTags("Keys").RequireAuthorization(ApiPolicies.Operate);

        api.MapPost("/", CreateAsync)
            .WithName("CreateKey")
            .WithSummary("Make an API key")
            .WithDescription("Answers the key once; only its hash is kept. It works on every API process within a second.")
            .Accepts<KeyRequest>("application/json")
            .Produces<KeyCreatedResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/", List)
            .WithName("ListKeys")
            .WithSummary("The API keys this operator manages, revoked ones included")
            .Produces<IReadOnlyList<KeyListItem>>(StatusCodes.Status200OK);

        api.MapDelete("/{keyId}", RevokeAsync)
            .WithName("RevokeKey")
            .WithSummary("Revoke an API key")
            .WithDescription("It stops working on every API process within a second. Revoking twice is harmless.")
            .Produces<KeyListItem>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static async Task<Results<Created<KeyCreatedResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context,
        IGrainFactory grains,
        ApiKeyDirectory directory,
        TimeProvider time)
    {
        KeyRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ApiJsonContext.Default.KeyRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Invalid(context, "The body must be JSON such as {\"tenant\": \"acme\", \"roles\": [\"writer\"], \"name\": \"checkout service\"}.");
        }

        var caller = ApiClaims.RequireTenant(context);
        var tenant = request?.Tenant ?? caller;
        if (!ResourceTenant.IsValid(tenant))
        {
            return Invalid(context, $"The tenant '{Grains.Telemetry.DisplayText.Shorten(tenant, 40)}' is not valid: {ResourceTenant.Rule}.");
        }

        if (!Manages(caller, tenant))
        {
            return ApiProblems.Create(context, ProblemTypes.Forbidden, "These credentials may not do this: only an operator of the default tenant makes keys for another tenant.");
        }

        var roles = request?.Roles ?? [];
        if (roles.Count == 0 || roles.Any(role => !ApiRoles.IsKnown(role)))
        {
            return Invalid(context, $"roles must list one or more of {string.Join(", ", ApiRoles.All)}.");
        }

        var name = request?.Name ?? string.Empty;
        if (name.Length > MaxNameLength)
        {
            return Invalid(context, $"name must be at most {MaxNameLength} characters.");
        }

        var key = ApiKeySecret.Create();
        var entry = new ApiKeyEntry(ApiKeySecret.CreateId(), name, tenant, [.. roles.Distinct(StringComparer.Ordinal)], ApiKeySecret.Hash(key), time.GetUtcNow());
        await grains.GetGrain<IApiKeyRegistryGrain>(IApiKeyRegistryGrain.Key).Add(entry).ConfigureAwait(false);
        await directory.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/v1/admin/keys/{entry.Id}", new KeyCreatedResponse(entry.Id, key, entry.Tenant, entry.Roles, entry.Name, entry.CreatedAt));
    }

    private static Ok<IReadOnlyList<KeyListItem>> List(HttpContext context, ApiKeyDirectory directory)
    {
        var caller = ApiClaims.RequireTenant(context);
        return TypedResults.Ok<IReadOnlyList<KeyListItem>>([.. directory.Keys.Where(k => Manages(caller, k.Tenant)).Select(KeyListItem.From)]);
    }

    private static async Task<Results<Ok<KeyListItem>, ProblemHttpResult>> RevokeAsync(string keyId, HttpContext context, IGrainFactory grains, ApiKeyDirectory directory)
    {
        var caller = ApiClaims.RequireTenant(context);
        await directory.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        var known = directory.Keys.FirstOrDefault(k => k.Id == keyId);
        if (known is null || !Manages(caller, known.Tenant))
        {
            return ApiProblems.Create(context, ProblemTypes.KeyNotFound, $"No API key with the id '{Grains.Telemetry.DisplayText.Shorten(keyId, 40)}' is known.");
        }

        var revoked = await grains.GetGrain<IApiKeyRegistryGrain>(IApiKeyRegistryGrain.Key).Revoke(keyId).ConfigureAwait(false);
        await directory.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(KeyListItem.From(revoked ?? known));
    }

    private static bool Manages(string callerTenant, string tenant) => callerTenant == ResourceTenant.Default || callerTenant == tenant;

    private static ProblemHttpResult Invalid(HttpContext context, string detail) => ApiProblems.Create(context, ProblemTypes.InvalidKeyRequest, detail);
}
