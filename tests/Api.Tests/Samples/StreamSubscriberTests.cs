using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Api.Tests.ApiClient;

namespace OrleansConsistency.Api.Tests.Samples;

/// <summary>
/// <c>samples/StreamSubscriber</c> run as a real process against the API's co-hosted silo (its gateway on a free
/// loopback port): transitions on standard output, one JSON line each, exactly once and in order; errors as one line
/// on standard error with the documented exit codes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StreamSubscriberTests(ApiFactory factory)
{
    private const string Increment = """{"op":"increment","payload":{"n":1}}""";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly HttpClient _client = factory.CreateClient();

    private string Gateway => $"127.0.0.1:{factory.GatewayPort.ToString(CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task StreamSubscriber_FromVersion_PrintsEveryLaterVersionOnceInOrder_ThenLiveOnes()
    {
        const int Before = 10;
        const int During = 10;
        const int FromVersion = 4;
        var id = NewId();
        using var timeout = new CancellationTokenSource(Patience);
        for (var i = 0; i < Before; i++)
        {
            await _client.ApplyAsync("ledger", id, Increment);
        }

        await using var subscriber = SubscriberProcess.Start("ledger", id, "--from-version", FromVersion.ToString(CultureInfo.InvariantCulture), "--gateway", Gateway);

        // While it connects and reads the log, more commits land.
        for (var i = 0; i < During; i++)
        {
            await _client.ApplyAsync("ledger", id, Increment);
        }

        var versions = new List<long>();
        while (versions.Count == 0 || versions[^1] < Before + During)
        {
            versions.Add(ParseTransition(await subscriber.ReadLineAsync(timeout.Token), id));
        }

        // Live: each commit after it caught up is the next line.
        for (var i = 1; i <= 3; i++)
        {
            await _client.ApplyAsync("ledger", id, Increment);
            versions.Add(ParseTransition(await subscriber.ReadLineAsync(timeout.Token), id));
        }

        await subscriber.KillAsync();
        Assert.Equal(Enumerable.Range(FromVersion + 1, Before + During + 3 - FromVersion).Select(v => (long)v).ToList(), versions);

        // Nothing else came on standard output: not a duplicate, not a log line.
        Assert.Equal(versions.Count, subscriber.OutputSoFar.Count);
        Assert.Contains(subscriber.Errors, line => line.StartsWith($"Following ledger/{id} after version {FromVersion}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ledger")]
    [InlineData("ledger a --from-version x")]
    [InlineData("ledger a --gateway 127.0.0.1")]
    [InlineData("ledger a --connect-timeout 0")]
    [InlineData("ledger a --colour red")]
    [InlineData("Ledger a")]
    public async Task StreamSubscriber_BadArguments_SaysWhatIsWrongOnOneLineAndExits2(string commandLine)
    {
        var arguments = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        await using var subscriber = SubscriberProcess.Start(arguments);

        Assert.Equal(2, await subscriber.WaitForExitAsync(Patience));
        Assert.Single(subscriber.Errors);
        Assert.Empty(subscriber.OutputSoFar);
    }

    [Fact]
    public async Task StreamSubscriber_UnreachableGateway_SaysSoOnOneLineAndExits3()
    {
        // Nothing listens on a fresh free port; the short timeout keeps the test quick (the default is 15 s).
        var nowhere = $"127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        await using var subscriber = SubscriberProcess.Start("ledger", "a", "--gateway", nowhere, "--connect-timeout", "2");

        Assert.Equal(3, await subscriber.WaitForExitAsync(Patience));
        var error = Assert.Single(subscriber.Errors);
        Assert.StartsWith($"Cannot reach the cluster at {nowhere}", error, StringComparison.Ordinal);
        Assert.Empty(subscriber.OutputSoFar);
    }

    [Fact]
    public async Task StreamSubscriber_ResumePointTheLogNoLongerKeeps_SaysSoOnOneLineAndExits4()
    {
        var id = NewId();
        for (var i = 0; i < 5; i++)
        {
            await _client.ApplyAsync("ledger", id, Increment);
        }

        await using (var connection = new SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM events WHERE stream_namespace = 'resource/ledger' AND stream_key = $id AND version < 4";
            command.Parameters.AddWithValue("$id", id);
            Assert.Equal(3, await command.ExecuteNonQueryAsync());
        }

        await using var subscriber = SubscriberProcess.Start("ledger", id, "--from-version", "1", "--gateway", Gateway);

        Assert.Equal(4, await subscriber.WaitForExitAsync(Patience));
        Assert.Single(subscriber.Errors);
        Assert.Empty(subscriber.OutputSoFar);
    }

    /// <summary>One line of standard output: a transition of the resource, as JSON; returns its version.</summary>
    private static long ParseTransition(string line, string id)
    {
        using var transition = JsonDocument.Parse(line);
        Assert.Equal(id, transition.RootElement.GetProperty("resourceId").GetString());
        Assert.Equal("ledger", transition.RootElement.GetProperty("resourceType").GetString());
        return transition.RootElement.GetProperty("version").GetInt64();
    }
}
