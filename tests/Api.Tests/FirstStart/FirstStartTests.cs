using OrleansConsistency.Api.Tests.Durability;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Tests.FirstStart;

/// <summary>What a new user sees on the first start: the pages' addresses on the console, and the data where the README says.</summary>
[Collection(ProcessKillCollection.Name)]
public sealed class FirstStartTests
{
    [Fact]
    public async Task TheApiProcess_PrintsThePagesAddresses_AndKeepsItsDataUnderDataOfItsWorkingDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("orleansconsistency-first-start-").FullName;
        try
        {
            // The test process logs warnings only; the addresses are information, as on a user's console.
            await using var api = await ApiProcess.StartAsync("sqlite", StorageOptions.DefaultSqliteConnectionString, directory, TimeSpan.FromSeconds(60),
                new Dictionary<string, string> { ["Logging:LogLevel:OrleansConsistency.Api.Pages.PageAddresses"] = "Information" });
            var root = api.Address.ToString().TrimEnd('/');
            var expected = $"Open the people's page at {root}/, the operator page at {root}/ops, the API reference at {root}/docs";
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!api.Output.Contains(expected, StringComparison.Ordinal) && !wait.IsCancellationRequested)
            {
                await Task.Delay(100);
            }

            Assert.Contains(expected, api.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(directory, "data", "orleansconsistency.db")), $"No database under {directory}/data.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
