using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

/// <summary>
/// The API over a grain that fails the way storage and the runtime can fail, to check how each failure is told to the
/// client. Development environment on purpose: even there a 500 must not show the exception.
/// </summary>
public sealed class FailingGrainApiFactory : ApiFactory
{
    public FailingResourceGrain Grain { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureTestServices(services =>
        {
            // Orleans' own IGrainFactory stays underneath (the silo resolves it too); only resource grains are swapped.
            var orleans = services.Last(d => d.ServiceType == typeof(IGrainFactory));
            services.Remove(orleans);
            services.AddSingleton<IGrainFactory>(sp => new ResourceGrainSwappingFactory(Resolve(orleans, sp), Grain));
        });
    }

    private static IGrainFactory Resolve(ServiceDescriptor descriptor, IServiceProvider services) => (IGrainFactory)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    /// <summary>Orleans' grain factory, except that every <see cref="IResourceGrain"/> is the failing one.</summary>
    private sealed class ResourceGrainSwappingFactory(IGrainFactory orleans, IResourceGrain grain) : IGrainFactory
    {
        public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithStringKey =>
            typeof(TGrainInterface) == typeof(IResourceGrain) ? (TGrainInterface)grain : orleans.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithGuidKey => orleans.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithIntegerKey => orleans.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithGuidCompoundKey => orleans.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
            where TGrainInterface : IGrainWithIntegerCompoundKey => orleans.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

        public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
            where TGrainInterface : IAddressable => orleans.GetGrain<TGrainInterface>(grainId);

        public IAddressable GetGrain(GrainId grainId) => orleans.GetGrain(grainId);

        public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => orleans.GetGrain(grainId, interfaceType);

        public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

        public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

        public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey);

        public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey, string grainClassNamePrefix) => orleans.GetGrain(grainInterfaceType, grainPrimaryKey, grainClassNamePrefix);

        public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
            where TGrainObserverInterface : IGrainObserver => orleans.CreateObjectReference<TGrainObserverInterface>(obj);

        public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
            where TGrainObserverInterface : IGrainObserver => orleans.DeleteObjectReference<TGrainObserverInterface>(obj);
    }
}

/// <summary>A resource grain whose every call throws the exception the test chose.</summary>
public sealed class FailingResourceGrain : IResourceGrain
{
    public Exception Failure { get; set; } = new InvalidOperationException("secret internal detail");

    public Task<IntentResult> Submit(Intent intent) => Task.FromException<IntentResult>(Failure);

    public Task<IntentStatus?> GetIntentStatus(string idempotencyKey) => Task.FromException<IntentStatus?>(Failure);

    public Task<ResourceSnapshot> GetSnapshot() => Task.FromException<ResourceSnapshot>(Failure);

    public Task<IntentStatus?> WaitForIntentStatus(string idempotencyKey, TimeSpan maxWait) => Task.FromException<IntentStatus?>(Failure);

    public Task Acknowledge(Grains.Interfaces.Consumers.ConsumerAcknowledgement acknowledgement) => Task.FromException(Failure);

    public Task ReportTrouble(Grains.Interfaces.Consumers.ConsumerTrouble trouble) => Task.FromException(Failure);

    public Task<IntentResult> Resolve(string idempotencyKey, Grains.Interfaces.Conflicts.ConflictChoice choice, System.Text.Json.JsonElement? value) => Task.FromException<IntentResult>(Failure);

    public Task<Grains.Interfaces.Conflicts.RebuildReport> Rebuild(bool replace) => Task.FromException<Grains.Interfaces.Conflicts.RebuildReport>(Failure);

    public Task<IReadOnlyList<Grains.Interfaces.Conflicts.ParkedConflict>> GetParkedConflicts() => Task.FromException<IReadOnlyList<Grains.Interfaces.Conflicts.ParkedConflict>>(Failure);
}

public sealed class FailingGrainTests(FailingGrainApiFactory factory) : IClassFixture<FailingGrainApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task StorageUnavailable_OnSubmit_Answers503_WithRetryAfter()
    {
        factory.Grain.Failure = new StorageUnavailableException();

        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task CommitOutcomeUnknown_OnSubmit_Answers503OutcomeUnknown_NotAFailure()
    {
        factory.Grain.Failure = new CommitOutcomeUnknownException();

        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "outcome-unknown");
        Assert.Contains("same Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task InvalidIntent_FromTheGrain_Answers400()
    {
        factory.Grain.Failure = new InvalidIntentException("The payload is not acceptable.");

        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-intent");
        Assert.Equal("The payload is not acceptable.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StorageUnavailable_OnRead_Answers503()
    {
        factory.Grain.Failure = new StorageUnavailableException();

        using var resource = await _client.GetAsync(new Uri($"/v1/resources/carts/{NewId()}", UriKind.Relative));
        using var intent = await _client.GetAsync(new Uri($"/v1/resources/carts/{NewId()}/intents/k", UriKind.Relative));

        await AssertProblemAsync(resource, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        await AssertProblemAsync(intent, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
    }

    [Fact]
    public async Task UnexpectedException_Answers500Problem_WithoutTheExceptionsDetails()
    {
        factory.Grain.Failure = new InvalidOperationException("secret internal detail");

        using var response = await _client.PostIntentAsync("carts", NewId(), NewId(), """{"op":"set","payload":{}}""");

        await AssertProblemAsync(response, HttpStatusCode.InternalServerError, "internal-error");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internal detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }
}
