using OrleansConsistency.Api.Access;
using OrleansConsistency.Api.Problems;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Telemetry;

namespace OrleansConsistency.Api.Resources;

/// <summary>
/// The <c>{type}</c> and <c>{id}</c> of a request path against the resource naming rules. <see cref="ResourceRouteFilter"/>
/// checks them once, before any endpoint runs, so every endpoint can build its key with <see cref="KeyOf"/>.
/// </summary>
internal static class ResourceRoute
{
    /// <summary>The rule for types, as a problem states it.</summary>
    public const string TypeRule = "use 1–64 lower-case letters, digits or dashes, starting with a letter";

    /// <summary>The rule for ids, as a problem states it.</summary>
    public const string IdRule = "use 1–200 letters, digits or . _ ~ - : @, starting with a letter or digit";

    // A made-up id is echoed only this far: enough to recognise it, too short to flood a page or a log.
    private const int EchoLength = 40;

    /// <summary>The problem with a path's type, or null when it is valid.</summary>
    public static string? TypeProblem(string? type) =>
        ResourceKey.IsValidType(type) ? null : $"The resource type '{Echo(type)}' is not valid: {TypeRule}.";

    /// <summary>The problem with a path's id, or null when it is valid.</summary>
    public static string? IdProblem(string? id) =>
        ResourceKey.IsValidId(id) ? null : $"The resource id '{Echo(id)}' is not valid: {IdRule}.";

    /// <summary>
    /// The key of a path <see cref="ResourceRouteFilter"/> has already checked, in the caller's tenant: a caller names
    /// resources of its own tenant only, so another tenant's resource of the same id is simply not there (404).
    /// </summary>
    /// <exception cref="InvalidOperationException">The endpoint is not behind the filter and the path is not valid, or no one is signed in.</exception>
    public static ResourceKey KeyOf(HttpContext context, string type, string id) =>
        ResourceKey.IsValidType(type) && ResourceKey.IsValidId(id)
            ? new ResourceKey(type, id, ApiClaims.RequireTenant(context))
            : throw new InvalidOperationException($"The endpoint for '{Echo(type)}/{Echo(id)}' is not behind {nameof(ResourceRouteFilter)}.");

    private static string Echo(string? value) => DisplayText.Shorten(value ?? string.Empty, EchoLength);
}
