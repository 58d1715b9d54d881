extern alias api;

using System.Text;
using api::OrleansConsistency.Api.Intents;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.AspNetCore.Http;
using OrleansConsistency.Grains.Interfaces.Intents;

namespace OrleansConsistency.Api.Tests.Properties.Intents;

/// <summary>
/// No body makes the intent reader throw: whatever arrives, it answers with a request or with a 4xx problem, and a
/// request it lets through fails validation only with <see cref="InvalidIntentException"/>, never anything else.
/// </summary>
public sealed class IntentBodyReaderProperties
{
    private const long MaxBytes = 64 * 1024;

    [Property(MaxTest = 300)]
    public async Task<bool> ReadAsync_AnyBytes_GivesARequestOrAClientErrorAndNeverThrows(byte[] body) => await ReadsCleanlyAsync(body);

    [Property(MaxTest = 300)]
    public async Task<bool> ReadAsync_AnyString_GivesARequestOrAClientErrorAndNeverThrows(string? text) =>
        await ReadsCleanlyAsync(Encoding.UTF8.GetBytes(text ?? string.Empty));

    [Property(MaxTest = 500, Arbitrary = [typeof(IntentBodyReaderProperties)])]
    public async Task<bool> ReadAsync_AnyJsonTree_GivesARequestOrAClientErrorAndNeverThrows(IntentLikeJson json) =>
        await ReadsCleanlyAsync(Encoding.UTF8.GetBytes(json.Text));

    /// <summary>Objects shaped like an intent (known and unknown members, values of every kind), and any JSON at all.</summary>
    public static Arbitrary<IntentLikeJson> Bodies() => Arb.From(
        Gen.Frequency(
            (4, IntentLike),
            (2, Gen.Sized(size => Tree(Math.Min(size / 10, 4)))),
            (1, Gen.Choose(30, 40).Select(depth => new string('[', depth) + new string(']', depth))))
        .Select(text => new IntentLikeJson(text)));

    private static readonly string[] MemberNames = ["op", "OP", "payload", "expectedVersion", "basedOnVersion", "issuedAt", "other", "\\udc00"];

    private static readonly string[] Scalars =
    [
        "null", "true", "0", "-1", "1.5", "1e400", "9223372036854775808", "\"\"", "\"set\"", "\"merge\"", "\"increment\"", "\"add\"",
        "\"remove\"", "\"delete\"", "\"Set\"", "\"2026-01-31T12:00:00Z\"", "\"not a date\"", "\"\\ud800\"", "{}", "[]",
    ];

    private static Gen<string> IntentLike =>
        from names in Gen.SubListOf(MemberNames)
        from values in Gen.ArrayOf(Gen.Sized(size => Tree(Math.Min(size / 20, 3))), names.Count)
        select "{" + string.Join(",", names.Select((name, i) => $"\"{name}\":{values[i]}")) + "}";

    private static Gen<string> Tree(int depth) =>
        depth == 0
            ? Gen.Elements(Scalars)
            : Gen.Frequency(
                (3, Gen.Elements(Scalars)),
                (1, Gen.ListOf(Tree(depth - 1)).Select(items => "[" + string.Join(",", items.Take(4)) + "]")),
                (2, Gen.ListOf(
                        from name in Gen.Elements(["count", "tags", "a", "op", "payload"])
                        from value in Tree(depth - 1)
                        select $"\"{name}\":{value}")
                    .Select(members => "{" + string.Join(",", members.Take(4)) + "}")));

    private static async Task<bool> ReadsCleanlyAsync(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);

        var (request, problem) = await IntentBodyReader.ReadAsync(context, MaxBytes);
        if (problem is not null)
        {
            return request is null && problem.StatusCode is >= 400 and < 500;
        }

        var intent = new Intent("key", request!.Op, request.Payload, request.ExpectedVersion, null, request.BasedOnVersion, request.IssuedAt);
        try
        {
            IntentValidator.Validate(intent);
        }
        catch (InvalidIntentException)
        {
            // The typed refusal is an answer (400 with the reason), not a failure.
        }

        return true;
    }

    /// <summary>A generated request body, as text (printed as the counterexample).</summary>
    public sealed record IntentLikeJson(string Text)
    {
        public override string ToString() => Text.Length > 300 ? Text[..300] + "…" : Text;
    }
}
