using System.ComponentModel;

namespace OrleansConsistency.Api.Access;

/// <summary>The body of <c>POST /v1/admin/keys</c>.</summary>
internal sealed record KeyRequest(
    [property: Description("The tenant the key acts in; the caller's own when omitted. Only an operator of the default tenant may name another.")] string? Tenant,
    [property: Description("reader, writer and/or operator; each includes the ones before it.")] IReadOnlyList<string>? Roles,
    [property: Description("What the key is for, shown in lists (at most 100 characters).")] string? Name);
