namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>A client on the factory, and the factory's faults cleared after every test, so no fault outlives its test.</summary>
public abstract class PartialFailureTestBase<TFactory>(TFactory factory) : IClassFixture<TFactory>, IDisposable
    where TFactory : PartialFailureApiFactory
{
    protected TFactory Factory { get; } = factory;

    protected HttpClient Client { get; } = factory.CreateClient();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Factory.Faults.Reset();
            Client.Dispose();
        }
    }
}
