using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Api.Resources;

/// <summary>Checks the <c>{type}/{id}</c> of a request path against the resource naming rules, with a plain reason.</summary>
internal static class ResourceRoute
{
    /// <summary>True and the key when both parts are valid; otherwise false and why.</summary>
    public static bool TryGetKey(string type, string id, out ResourceKey key, out string? problem)
    {
        key = default;
        if (!ResourceKey.IsValidType(type))
        {
            problem = $"The resource type '{type}' is not valid: use 1–64 lower-case letters, digits or dashes, starting with a letter.";
            return false;
        }

        if (!ResourceKey.IsValidId(id))
        {
            problem = $"The resource id '{id}' is not valid: use 1–200 letters, digits or . _ ~ - : @, starting with a letter or digit.";
            return false;
        }

        key = new ResourceKey(type, id);
        problem = null;
        return true;
    }
}
