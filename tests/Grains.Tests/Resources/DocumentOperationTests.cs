using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Resources;

/// <summary>Each operation's documented effect, through the grain, on SQLite (operations do not depend on the database).</summary>
public sealed class DocumentOperationTests : IAsyncLifetime
{
    private ProductCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await StartAsync("sqlite");

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task Set_ReplacesTheDocument()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Set, """{"a":1,"b":2}"""));

        var result = await resource.Submit(Intent(IntentOperation.Set, """{"c":3}"""));

        Assert.Equal(2, result.Status.Version);
        Assert.Equal("""{"c":3}""", await DocumentOf(resource));
    }

    [Fact]
    public async Task Merge_FollowsRfc7396()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Set, """{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}"""));

        await resource.Submit(Intent(IntentOperation.Merge, """{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}"""));

        // The example of RFC 7396, section 3.
        Assert.Equal(
            """{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"\u002B01-123-456-7890"}""",
            await DocumentOf(resource));
    }

    [Fact]
    public async Task Increment_AddsToNumbers_AndStartsMissingFieldsAtZero()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Set, """{"count":5,"ratio":0.5}"""));

        await resource.Submit(Intent(IntentOperation.Increment, """{"count":-2,"ratio":0.25,"fresh":7}"""));

        Assert.Equal("""{"count":3,"ratio":0.75,"fresh":7}""", await DocumentOf(resource));
    }

    [Fact]
    public async Task Increment_AFractionAfterAWholeNumber_AddsBoth()
    {
        // The activation keeps the document the first increment made; the second must read its whole-number sum.
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Increment, """{"count":1}"""));

        var result = await resource.Submit(Intent(IntentOperation.Increment, """{"count":0.5}"""));

        Assert.Equal(2, result.Status.Version);
        Assert.Equal("""{"count":1.5}""", await DocumentOf(resource));
    }

    [Fact]
    public async Task Increment_OfText_IsRefusedAsCannotApply_AndRecorded()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Set, """{"name":"x"}"""));
        var intent = Intent(IntentOperation.Increment, """{"name":1}""");

        var result = await resource.Submit(intent);
        var replay = await resource.Submit(intent);

        Assert.Equal(IntentState.Rejected, result.Status.State);
        Assert.Equal(IntentRejection.CannotApply, result.Status.Rejection?.Code);
        Assert.Contains("not a number", result.Status.Message, StringComparison.Ordinal);
        Assert.True(replay.Replayed);
        Assert.Equal(1, (await resource.GetSnapshot()).Version);
    }

    [Fact]
    public async Task AddAndRemove_TreatArraysAsSets()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Add, """{"tags":["a","b"]}"""));
        await resource.Submit(Intent(IntentOperation.Add, """{"tags":["b","c",{"k":1}]}"""));

        await resource.Submit(Intent(IntentOperation.Remove, """{"tags":["a",{"k":1}],"absent":["z"]}"""));

        Assert.Equal("""{"tags":["b","c"]}""", await DocumentOf(resource));
        Assert.Equal(3, (await resource.GetSnapshot()).Version);
    }

    [Fact]
    public async Task Delete_RemovesTheDocument_AndSetCreatesItAgainAtTheNextVersion()
    {
        var resource = NewResource();
        await resource.Submit(Intent(IntentOperation.Set, """{"a":1}"""));

        var deleted = await resource.Submit(Intent(IntentOperation.Delete, null));
        var afterDelete = await resource.GetSnapshot();
        var recreated = await resource.Submit(Intent(IntentOperation.Set, """{"a":2}"""));

        Assert.Equal(2, deleted.Status.Version);
        Assert.False(afterDelete.Exists);
        Assert.Null(afterDelete.Document);
        Assert.Equal(3, recreated.Status.Version);
    }

    [Fact]
    public async Task Delete_OfAResourceThatDoesNotExist_IsRefused()
    {
        var result = await NewResource().Submit(Intent(IntentOperation.Delete, null));

        Assert.Equal(IntentRejection.CannotApply, result.Status.Rejection?.Code);
    }

    [Theory]
    [InlineData(IntentOperation.Set, "[1]")]
    [InlineData(IntentOperation.Increment, """{"a":"x"}""")]
    [InlineData(IntentOperation.Add, """{"a":1}""")]
    [InlineData(IntentOperation.Delete, """{"a":1}""")]
    public async Task MalformedIntent_IsRefusedWithInvalidIntent_AndNotRecorded(IntentOperation operation, string payload)
    {
        var resource = NewResource();
        var malformed = Intent(operation, payload, key: "reused-key");

        await Assert.ThrowsAsync<InvalidIntentException>(() => resource.Submit(malformed));

        var valid = await resource.Submit(Intent(IntentOperation.Set, """{"ok":true}""", key: "reused-key"));
        Assert.False(valid.Replayed);
        Assert.Equal(1, valid.Status.Version);
    }

    private Interfaces.Resources.IResourceGrain NewResource() => _cluster.Resource("docs", Guid.NewGuid().ToString("N"));

    private static async Task<string> DocumentOf(Interfaces.Resources.IResourceGrain resource) =>
        JsonSerializer.Serialize((await resource.GetSnapshot()).Document);
}
