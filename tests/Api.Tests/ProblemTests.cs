using System.Net;
using System.Text;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests;

/// <summary>
/// Every refusal answers its status and stable problem type and changes nothing. Refusals decided before the grain
/// record nothing either, so the same key then works for a valid request (applied, not replayed).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProblemTests(ApiFactory factory)
{
    private const int DefaultMaxBodyBytes = 1024 * 1024;

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task MissingIdempotencyKey_Answers400_AndChangesNothing()
    {
        var id = await CreateAsync();

        using var response = await _client.SendAsync(Intent("carts", id, key: null, """{"op":"set","payload":{}}"""));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "missing-idempotency-key");
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
        Assert.Equal((1, 1), await factory.CountStoredAsync("carts", id));
    }

    [Theory]
    [InlineData("too-long")]
    [InlineData("non-ascii")]
    [InlineData("space")]
    public async Task InvalidIdempotencyKey_Answers400_AndChangesNothing(string kind)
    {
        var id = await CreateAsync();
        var key = kind switch
        {
            "too-long" => new string('k', 256),
            "non-ascii" => "clé-" + NewId(),
            _ => "two words",
        };

        using var response = await _client.SendAsync(Intent("carts", id, key, """{"op":"set","payload":{}}"""));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-idempotency-key");
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
        Assert.Equal((1, 1), await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task KeyOf255PrintableCharacters_IsAccepted()
    {
        var id = NewId();
        var key = NewId() + new string('~', 255 - 32);

        using var response = await _client.PostIntentAsync("carts", id, key, """{"op":"set","payload":{}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_Answers400_ChangesNothing_AndLeavesTheKeyUsable() =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) => Intent("carts", id, key, """{"op":"set","payload":{"""),
            HttpStatusCode.BadRequest,
            "malformed-json");

    // Valid JSON that is not text: reading such a string threw (a 500) wherever it was read.
    [Theory]
    [InlineData("""{"op":"\ud800","payload":{}}""")]
    [InlineData("""{"op":"add","payload":{"tags":["\udc00"]}}""")]
    [InlineData("""{"\ud800":1,"op":"set","payload":{}}""")]
    public async Task ALoneSurrogateEscape_Answers400MalformedJson_ChangesNothing_AndLeavesTheKeyUsable(string body) =>
        await AssertRefusedBeforeTheGrainAsync((id, key) => Intent("carts", id, key, body), HttpStatusCode.BadRequest, "malformed-json");

    [Fact]
    public async Task EmptyBody_Answers400_ChangesNothing_AndLeavesTheKeyUsable() =>
        await AssertRefusedBeforeTheGrainAsync((id, key) => Intent("carts", id, key, string.Empty), HttpStatusCode.BadRequest, "malformed-json");

    [Theory]
    [InlineData("""{"op":"frobnicate","payload":{"a":1}}""")]
    [InlineData("""{"op":0,"payload":{"a":1}}""")]
    [InlineData("""{"op":null,"payload":{"a":1}}""")]
    [InlineData("""{"payload":{"a":1}}""")]
    public async Task UnknownOrMissingOp_Answers400_ChangesNothing_AndLeavesTheKeyUsable(string body) =>
        await AssertRefusedBeforeTheGrainAsync((id, key) => Intent("carts", id, key, body), HttpStatusCode.BadRequest, "invalid-intent");

    [Theory]
    [InlineData("""{"op":"increment","payload":{"count":"one"}}""")]
    [InlineData("""{"op":"set","payload":[1,2]}""")]
    [InlineData("""{"op":"add","payload":{"tags":"a"}}""")]
    [InlineData("""{"op":"delete","payload":{"a":1}}""")]
    [InlineData("""{"op":"merge"}""")]
    public async Task PayloadOfTheWrongShape_Answers400_ChangesNothing_AndLeavesTheKeyUsable(string body) =>
        await AssertRefusedBeforeTheGrainAsync((id, key) => Intent("carts", id, key, body), HttpStatusCode.BadRequest, "invalid-intent");

    [Theory]
    [InlineData("""{"op":"set","payload":{},"expectedVersoin":1}""")]
    [InlineData("""{"op":"set","payload":{},"expectedVersion":"one"}""")]
    [InlineData("""{"op":"set","payload":{},"expectedVersion":-1}""")]
    [InlineData("""{"op":"set","payload":{},"expectedVersion":"1"}""")]
    [InlineData("""{"op":"set","payload":{},"expectedVersion":1.5}""")]
    [InlineData("""["set"]""")]
    public async Task UnknownOrMistypedField_Answers400_ChangesNothing_AndLeavesTheKeyUsable(string body) =>
        await AssertRefusedBeforeTheGrainAsync((id, key) => Intent("carts", id, key, body), HttpStatusCode.BadRequest, "invalid-intent");

    [Fact]
    public async Task IfMatchThatDisagreesWithExpectedVersion_Answers400_ChangesNothing_AndLeavesTheKeyUsable() =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) => Intent("carts", id, key, """{"op":"set","payload":{},"expectedVersion":1}""").WithHeader("If-Match", "\"2\""),
            HttpStatusCode.BadRequest,
            "invalid-intent");

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    public async Task IfMatchThatIsNotOneVersion_Answers400_ChangesNothing_AndLeavesTheKeyUsable(string ifMatch) =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) => Intent("carts", id, key, """{"op":"set","payload":{}}""").WithHeader("If-Match", ifMatch),
            HttpStatusCode.BadRequest,
            "invalid-intent");

    [Fact]
    public async Task BodyOverTheLimit_WithContentLength_Answers413_ChangesNothing_AndLeavesTheKeyUsable() =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) => Intent("carts", id, key, LargeBody(DefaultMaxBodyBytes + 1)),
            HttpStatusCode.RequestEntityTooLarge,
            "body-too-large");

    [Fact]
    public async Task BodyOverTheLimit_StreamedWithoutContentLength_Answers413_ChangesNothing_AndLeavesTheKeyUsable() =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) =>
            {
                var request = Intent("carts", id, key, "{}");
                request.Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(LargeBody(DefaultMaxBodyBytes + 1))));
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                return request;
            },
            HttpStatusCode.RequestEntityTooLarge,
            "body-too-large");

    [Fact]
    public async Task BodyExactlyAtTheLimit_IsAccepted()
    {
        var id = NewId();

        using var response = await _client.SendAsync(Intent("carts", id, NewId(), LargeBody(DefaultMaxBodyBytes)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task WrongContentType_Answers415_ChangesNothing_AndLeavesTheKeyUsable(string contentType) =>
        await AssertRefusedBeforeTheGrainAsync(
            (id, key) => Intent("carts", id, key, """{"op":"set","payload":{}}""", contentType),
            HttpStatusCode.UnsupportedMediaType,
            "unsupported-media-type");

    [Fact]
    public async Task JsonSuffixMediaType_IsAccepted()
    {
        using var response = await _client.SendAsync(Intent("carts", NewId(), NewId(), """{"op":"set","payload":{}}""", "application/merge-patch+json; charset=utf-8"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("Carts", "a1", "invalid-resource-type")]
    [InlineData("carts", "-a1", "invalid-resource-id")]
    public async Task InvalidResourceTypeOrId_Answers400(string type, string id, string slug)
    {
        using var response = await _client.SendAsync(Intent(type, id, NewId(), """{"op":"set","payload":{}}"""));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, slug);
    }

    [Fact]
    public async Task KeyReusedForADifferentRequest_Answers422_AndChangesNothing()
    {
        var id = await CreateAsync();
        var key = NewId();
        const string original = """{"op":"merge","payload":{"a":2}}""";
        using (var first = await _client.PostIntentAsync("carts", id, key, original))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var before = await factory.CountStoredAsync("carts", id);

        using var misuse = await _client.PostIntentAsync("carts", id, key, """{"op":"merge","payload":{"a":3}}""");

        await AssertProblemAsync(misuse, HttpStatusCode.UnprocessableEntity, "idempotency-key-misuse");
        Assert.Equal(2, await _client.GetVersionAsync("carts", id));
        Assert.Equal(before, await factory.CountStoredAsync("carts", id));
        using var replay = await _client.PostIntentAsync("carts", id, key, original);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.True(IsReplay(replay));
        Assert.Equal(2, await _client.GetVersionAsync("carts", id));
    }

    [Fact]
    public async Task ExpectedVersionThatDoesNotMatch_Answers412_WithTheCurrentVersion_AndChangesNothing()
    {
        var id = await CreateAsync();
        var before = await factory.CountStoredAsync("carts", id);

        using var response = await _client.PostIntentAsync("carts", id, NewId(), """{"op":"set","payload":{"b":1},"expectedVersion":5}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "version-mismatch");
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.NotNull(response.Headers.Location);
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));

        // The refusal itself is recorded (it replays), but no event: the resource did not change.
        Assert.Equal((before.Intents + 1, before.Events), await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task IfMatchThatDoesNotMatch_Answers412_AndChangesNothing()
    {
        var id = await CreateAsync();

        using var response = await _client.SendAsync(Intent("carts", id, NewId(), """{"op":"set","payload":{"b":1}}""").WithHeader("If-Match", "\"0\""));

        var problem = await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "version-mismatch");
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
    }

    [Fact]
    public async Task ChangeThatDoesNotFitTheDocument_Answers409_IsRecorded_AndReplays()
    {
        var id = NewId();
        await _client.ApplyAsync("carts", id, """{"op":"set","payload":{"name":"text"}}""");
        var key = NewId();
        const string body = """{"op":"increment","payload":{"name":1}}""";

        using var first = await _client.PostIntentAsync("carts", id, key, body);
        var problem = await AssertProblemAsync(first, HttpStatusCode.Conflict, "cannot-apply");
        using var again = await _client.PostIntentAsync("carts", id, key, body);

        await AssertProblemAsync(again, HttpStatusCode.Conflict, "cannot-apply");
        Assert.True(IsReplay(again));
        Assert.Equal("rejected", problem.GetProperty("intent").GetProperty("state").GetString());
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
    }

    [Fact]
    public async Task UnknownIntent_Answers404_AndChangesNothing()
    {
        var id = await CreateAsync();

        var before = await factory.CountStoredAsync("carts", id);

        using var response = await _client.GetAsync(new Uri($"{IntentsPath("carts", id)}/{NewId()}", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "intent-not-found");
        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
        Assert.Equal(before, await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task UnknownResource_Answers404_SayingItWasNeverCreated_AndChangesNothing()
    {
        var id = NewId();

        using var response = await _client.GetAsync(new Uri($"/v1/resources/carts/{id}", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "resource-not-found");
        Assert.Contains("never created", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, problem.GetProperty("version").GetInt64());
        Assert.Equal(0, await _client.GetVersionAsync("carts", id));
        Assert.Equal((0, 0), await factory.CountStoredAsync("carts", id));
    }

    [Fact]
    public async Task UnknownPath_AnswersAProblemWithAStableType()
    {
        using var response = await _client.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    /// <summary>
    /// Sends the bad request, checks its problem and that the resource did not move, then sends a valid request with
    /// the same key: it must be applied as new, proving nothing was recorded under the key.
    /// </summary>
    private async Task AssertRefusedBeforeTheGrainAsync(Func<string, string, HttpRequestMessage> badRequest, HttpStatusCode status, string slug)
    {
        var id = await CreateAsync();
        var key = NewId();

        var before = await factory.CountStoredAsync("carts", id);
        using (var refused = await _client.SendAsync(badRequest(id, key)))
        {
            await AssertProblemAsync(refused, status, slug);
            Assert.False(IsReplay(refused));
        }

        Assert.Equal(1, await _client.GetVersionAsync("carts", id));
        Assert.Equal(before, await factory.CountStoredAsync("carts", id));
        using (var unknown = await _client.GetAsync(new Uri($"{IntentsPath("carts", id)}/{key}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var valid = await _client.PostIntentAsync("carts", id, key, """{"op":"merge","payload":{"fixed":true}}""");
        Assert.Equal(HttpStatusCode.Accepted, valid.StatusCode);
        Assert.False(IsReplay(valid));
        Assert.Equal(2, await _client.GetVersionAsync("carts", id));
    }

    private async Task<string> CreateAsync()
    {
        var id = NewId();
        Assert.Equal(1, await _client.ApplyAsync("carts", id, """{"op":"set","payload":{"a":1}}"""));
        return id;
    }

    /// <summary>A valid set intent of exactly <paramref name="bytes"/> bytes.</summary>
    private static string LargeBody(int bytes)
    {
        const string head = "{\"op\":\"set\",\"payload\":{\"fill\":\"";
        const string tail = "\"}}";
        return head + new string('x', bytes - head.Length - tail.Length) + tail;
    }

    /// <summary>A stream that cannot tell its length, so the client sends the body chunked, without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
