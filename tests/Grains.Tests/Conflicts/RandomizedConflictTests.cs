using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using OrleansConsistency.Grains.Interfaces.Conflicts;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using Xunit.Abstractions;

namespace OrleansConsistency.Grains.Tests.Conflicts;

/// <summary>
/// Several clients send random intents to a few resources of every policy, concurrently, based on stale versions,
/// with retries of the same key and some manual resolutions. Then, for every resource: the state equals the replay of
/// its event log, every conflict outcome is explained, and no intent is lost or applied twice. The seed is printed;
/// <c>OC_CONFLICT_SEED=n</c> replays the same intents (the interleaving is the scheduler's).
/// </summary>
public sealed class RandomizedConflictTests(ConflictCluster fixture, ITestOutputHelper output) : IClassFixture<ConflictCluster>
{
    private const int Clients = 6;
    private const int IntentsPerClient = 40;
    private const int ResourcesPerPolicy = 2;

    [Fact]
    public async Task RandomStaleIntents_WithRetries_EndInTheReplayOfTheLog_ExplainedAndExactlyOnce()
    {
        var seed = Environment.GetEnvironmentVariable("OC_CONFLICT_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, int.MaxValue);
        output.WriteLine($"Seed {seed} (replay with OC_CONFLICT_SEED={seed}).");
        var why = $"seed {seed}: replay with OC_CONFLICT_SEED={seed}";

        var run = Guid.NewGuid().ToString("N")[..8];
        var resources = ConflictCluster.TypeOfPolicy.Values
            .SelectMany(type => Enumerable.Range(0, ResourcesPerPolicy).Select(i => (Type: type, Id: $"r{run}-{i}")))
            .ToList();
        var answers = new ConcurrentDictionary<string, (string Type, string Id, IntentStatus Status)>();

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed + client);
            for (var i = 0; i < IntentsPerClient; i++)
            {
                var (type, id) = resources[random.Next(resources.Count)];
                var grain = fixture.Cluster.Resource(type, id);
                var seen = (await grain.GetSnapshot()).Version;
                var intent = RandomIntent(random, $"s{seed}-{run}-c{client}-{i}", Math.Max(0, seen - random.Next(0, 4)));
                var first = await grain.Submit(intent);
                answers[intent.IdempotencyKey] = (type, id, first.Status);

                // A retry (a client that timed out) must get the first answer back and apply nothing.
                if (random.Next(4) == 0)
                {
                    var retries = await Task.WhenAll(grain.Submit(intent), grain.Submit(intent));
                    Assert.All(retries, r => Assert.True(r.Replayed && r.Status.Version == first.Status.Version && r.Status.Rejection?.Code == first.Status.Rejection?.Code, why));
                }

                // Sometimes someone resolves a parked conflict, with a random choice.
                if (first.Status.State == IntentState.Conflict && random.Next(2) == 0)
                {
                    var choice = (ConflictChoice)random.Next(3);
                    JsonElement? value = choice == ConflictChoice.Value ? JsonDocument.Parse($$"""{"a":{{random.Next(100)}}}""").RootElement.Clone() : null;
                    try
                    {
                        var resolved = await grain.Resolve(intent.IdempotencyKey, choice, value);
                        Assert.True(resolved.Status.Version is not null && resolved.Status.Conflict?.Resolution?.Choice == choice, why);
                    }
                    catch (ConflictResolutionException ex) when (ex.Code == ConflictResolutionException.InvalidResolution)
                    {
                        // keep-mine of a delete after someone else deleted: refused, nothing changed, still parked.
                    }
                }
            }
        })));

        // From storage from here on: the stored state, not just the memory of the activations, must equal the replay.
        await fixture.Cluster.RestartPrimaryAsync();
        var outcomes = answers.Values.GroupBy(a => a.Status.Conflict?.Outcome ?? a.Status.Rejection?.Code ?? "applied without conflict").Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"Outcomes: {string.Join(", ", outcomes)}.");

        foreach (var (type, id) in resources)
        {
            var grain = fixture.Cluster.Resource(type, id);
            var rebuild = await grain.Rebuild(replace: false);
            Assert.True(rebuild.Matches, $"{why}; {type}/{id}: {string.Join(" ", rebuild.Differences)}");

            var events = await fixture.EventsAsync(type, id);
            var snapshot = await grain.GetSnapshot();
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal(snapshot.Version, events.Count);

            var mine = answers.Where(a => a.Value.Type == type && a.Value.Id == id).ToDictionary(a => a.Key, a => a.Value.Status);
            var resolutions = events.Where(e => e.Conflict?.Outcome == ConflictReport.Resolved).ToList();
            var applications = events.Except(resolutions).ToList();

            // Exactly once: one event per applied intent, at the version its answer gave; a resolution once per parked intent.
            Assert.True(applications.Select(e => e.IntentKey).Distinct().Count() == applications.Count, $"{why}: an intent applied twice on {type}/{id}");
            Assert.True(resolutions.Select(e => e.IntentKey).Distinct().Count() == resolutions.Count, $"{why}: a conflict resolved twice on {type}/{id}");
            var applied = mine.Where(m => m.Value.Version is not null).ToDictionary(m => m.Key, m => m.Value.Version!.Value);
            Assert.Equal(applied.OrderBy(a => a.Key, StringComparer.Ordinal), applications.Select(e => KeyValuePair.Create(e.IntentKey!, e.Version)).OrderBy(a => a.Key, StringComparer.Ordinal));
            Assert.All(resolutions, r => Assert.True(mine.TryGetValue(r.IntentKey!, out var parked) && parked.State == IntentState.Conflict, $"{why}: resolution of an intent that was not parked"));

            foreach (var (key, answer) in mine)
            {
                // Nothing lost: every key has a status now, which agrees with the first answer or (parked, then resolved) moved on from it.
                var now = await grain.GetIntentStatus(key);
                Assert.NotNull(now);
                if (answer.State == IntentState.Conflict)
                {
                    var resolution = resolutions.SingleOrDefault(r => r.IntentKey == key);
                    Assert.Equal(resolution?.Version, now.Version);
                    Assert.Equal(resolution is null ? IntentState.Conflict : IntentState.Settled, now.State);
                }
                else
                {
                    Assert.Equal(answer.Version, now.Version);
                }

                // Every conflict outcome is explained, as data and in words, and the event says the same.
                Assert.True(answer.State != IntentState.Conflict || answer.Conflict is { Outcome: ConflictReport.Parked }, $"{why}: parked without a report");
                Assert.True(answer.Rejection?.Code != IntentRejection.Conflict || answer.Conflict is { Outcome: ConflictReport.Rejected }, $"{why}: refused without a report");
                if (answer.Conflict is { } conflict)
                {
                    Assert.NotEmpty(conflict.Fields);
                    Assert.False(string.IsNullOrWhiteSpace(conflict.Message), why);
                    Assert.Contains(conflict.Message, answer.Message, StringComparison.Ordinal);
                    if (answer.Version is { } version)
                    {
                        Assert.Equal(conflict.Message, events[(int)version - 1].Conflict?.Message);
                    }
                }
            }

            Assert.All(events.Where(e => e.Conflict is not null), e => Assert.True(e.Conflict!.Fields.Count > 0 && e.Conflict.Message.Length > 0, why));
            output.WriteLine($"{type}/{id}: version {snapshot.Version}, {resolutions.Count} resolutions, replay matches.");
        }
    }

    private static Intent RandomIntent(Random random, string key, long basedOn)
    {
        var issuedAt = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(random.Next(-20_000, 20_000));
        string Value() => random.Next(5) == 0 ? "null" : random.Next(100).ToString(CultureInfo.InvariantCulture);
        var (operation, payload) = random.Next(10) switch
        {
            < 4 => (IntentOperation.Merge, $$$"""{"{{{"abc"[random.Next(3)]}}}":{{{Value()}}},"{{{"abc"[random.Next(3)]}}}x":{"y":{{{Value()}}}}}"""),
            4 => (IntentOperation.Set, $$"""{"a":{{random.Next(100)}},"b":{{random.Next(100)}}}"""),
            5 or 6 => (IntentOperation.Increment, $$"""{"n":{{random.Next(-5, 6)}}}"""),
            7 => (IntentOperation.Add, $$"""{"tags":["t{{random.Next(4)}}"]}"""),
            8 => (IntentOperation.Remove, $$"""{"tags":["t{{random.Next(4)}}"]}"""),
            _ => (IntentOperation.Delete, (string?)null),
        };

        var element = payload is null ? (JsonElement?)null : JsonDocument.Parse(payload).RootElement.Clone();
        return new Intent(key, operation, element, BasedOnVersion: basedOn, IssuedAt: issuedAt);
    }
}
