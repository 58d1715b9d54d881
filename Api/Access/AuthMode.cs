namespace OrleansConsistency.Api.Access;

/// <summary>Whether requests must prove who they are (<c>Api:Auth:Mode</c>).</summary>
internal enum AuthMode
{
    /// <summary>Every request needs an API key or a JWT (the default).</summary>
    On,

    /// <summary>
    /// Every request acts as an operator of the default tenant, without credentials. Refused unless the API listens on
    /// loopback only; for tests and local demos.
    /// </summary>
    Off,
}
