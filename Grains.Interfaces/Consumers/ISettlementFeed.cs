namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// Live settlement notices from the resource grains of this silo (not logged: a reader that reconnects asks the grain
/// for the settled version instead). Used by the live-update endpoints.
/// </summary>
public interface ISettlementFeed
{
    /// <summary>Calls <paramref name="onNotice"/> for every notice of a scoped type (type and tenant, see <see cref="Resources.ResourceKey.ScopedType"/>; and, when given, one resource) until disposed. The callback must not block.</summary>
    IDisposable Subscribe(string type, string? id, Action<SettlementNotice> onNotice);
}
