using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansConsistency.Storage.Clustering;
using OrleansConsistency.Storage.Migrations;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Clustering;

/// <summary>
/// The PostgreSQL membership table and gateway list against a real server: the <see cref="IMembershipTable"/>
/// contract (atomic reads, compare-and-swap writes, races between silos), the housekeeping, and silos that join and a
/// client that connects through them. All tests share one migrated database; each uses a cluster id of its own.
/// </summary>
public sealed class PostgresMembershipTableTests(PostgresMembershipTableTests.Database database)
    : IClassFixture<PostgresMembershipTableTests.Database>
{
    private const int Racers = 16;

    [Fact]
    public async Task InsertRow_ThenReadRow_ReadsBackEveryField()
    {
        await using var table = await InitializedTableAsync();
        var entry = Entry(11111, SiloStatus.Joining, proxyPort: 30000);
        entry.RoleName = "role";
        entry.UpdateZone = 3;
        entry.FaultZone = 7;
        entry.AddSuspector(Silo(11112), new DateTime(2026, 12, 2, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567));
        entry.AddSuspector(Silo(11113, generation: 42), DateTime.UtcNow);

        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var read = await table.ReadRow(entry.SiloAddress);

        var (stored, etag) = Assert.Single(read.Members);
        AssertSameEntry(entry, stored);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(1, read.Version.Version);
        Assert.Empty((await table.ReadRow(Silo(11199))).Members);
        Assert.Equal(read.Version, (await table.ReadRow(Silo(11199))).Version);
    }

    [Fact]
    public async Task InsertRow_NullAndEmptySuspectTimes_ReadBackAsWritten()
    {
        await using var table = await InitializedTableAsync();
        var withNull = Entry(11111);
        withNull.SuspectTimes = null;
        var withEmpty = Entry(11112);
        withEmpty.SuspectTimes = [];

        Assert.True(await table.InsertRow(withNull, (await table.ReadAll()).Version.Next()));
        Assert.True(await table.InsertRow(withEmpty, (await table.ReadAll()).Version.Next()));

        Assert.Null(Assert.Single((await table.ReadRow(withNull.SiloAddress)).Members).Item1.SuspectTimes);
        Assert.Empty(Assert.Single((await table.ReadRow(withEmpty.SiloAddress)).Members).Item1.SuspectTimes!);
    }

    [Fact]
    public async Task ReadAll_ReturnsEveryRowWithTheTableVersion()
    {
        await using var table = await InitializedTableAsync();
        var empty = await table.ReadAll();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var etags = new HashSet<string> { empty.Version.VersionEtag };
        var entries = new[] { Entry(11111), Entry(11112, SiloStatus.Dead), Entry(11113, SiloStatus.Joining) };
        foreach (var entry in entries)
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
            Assert.True(etags.Add((await table.ReadAll()).Version.VersionEtag), "every write gives the table version a new etag");
        }

        var all = await table.ReadAll();
        Assert.Equal(3, all.Version.Version);
        Assert.Equal(3, all.Members.Count);
        foreach (var entry in entries)
        {
            AssertSameEntry(entry, Assert.Single(all.Members, member => member.Item1.SiloAddress.Equals(entry.SiloAddress)).Item1);
        }

        Assert.Equal(3, all.Members.Select(member => member.Item2).Distinct().Count());
    }

    [Fact]
    public async Task InsertRow_StaleTableVersion_ReturnsFalseAndChangesNothing()
    {
        await using var table = await InitializedTableAsync();
        var stale = (await table.ReadAll()).Version;
        Assert.True(await table.InsertRow(Entry(11111), stale.Next()));
        var before = await table.ReadAll();

        Assert.False(await table.InsertRow(Entry(11112), stale.Next()));
        Assert.False(await table.InsertRow(Entry(11113), new TableVersion(before.Version.Version + 1, "not-an-etag")));

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Silo(11111), Assert.Single(after.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task InsertRow_RowExists_ReturnsFalseAndChangesNothing()
    {
        await using var table = await InitializedTableAsync();
        var entry = Entry(11111);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();
        var again = Entry(11111, SiloStatus.Dead);
        again.SiloName = "someone else";

        Assert.False(await table.InsertRow(again, before.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSameEntry(entry, stored);
        Assert.Equal(before.Members[0].Item2, etag);
    }

    [Fact]
    public async Task UpdateRow_CurrentEtags_ReplacesTheRowAndBumpsTheVersion()
    {
        await using var table = await InitializedTableAsync();
        Assert.True(await table.InsertRow(Entry(11111, SiloStatus.Joining), (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();
        var updated = Entry(11111, SiloStatus.Active, proxyPort: 30099);
        updated.SiloName = "renamed";
        updated.IAmAliveTime = Micro(DateTime.UtcNow.AddSeconds(5));
        updated.AddSuspector(Silo(11112), DateTime.UtcNow);

        Assert.True(await table.UpdateRow(updated, before.Members[0].Item2, before.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSameEntry(updated, stored);
        Assert.NotEqual(before.Members[0].Item2, etag);
    }

    [Fact]
    public async Task UpdateRow_StaleRowEtag_ReturnsFalseAndChangesNothing()
    {
        await using var table = await InitializedTableAsync();
        Assert.True(await table.InsertRow(Entry(11111, SiloStatus.Joining), (await table.ReadAll()).Version.Next()));
        var first = await table.ReadAll();
        var staleEtag = first.Members[0].Item2;
        Assert.True(await table.UpdateRow(Entry(11111, SiloStatus.Active), staleEtag, first.Version.Next()));
        var before = await table.ReadAll();

        Assert.False(await table.UpdateRow(Entry(11111, SiloStatus.Dead), staleEtag, before.Version.Next()));
        Assert.False(await table.UpdateRow(Entry(11111, SiloStatus.Dead), "garbage", before.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Members).Item1.Status);
        Assert.Equal(before.Members[0].Item2, after.Members[0].Item2);
    }

    [Fact]
    public async Task UpdateRow_StaleTableVersion_ReturnsFalseAndChangesNothing()
    {
        await using var table = await InitializedTableAsync();
        Assert.True(await table.InsertRow(Entry(11111, SiloStatus.Joining), (await table.ReadAll()).Version.Next()));
        var stale = await table.ReadAll();

        // Another silo joins: the row of 11111 keeps its etag, but the table version moves on.
        Assert.True(await table.InsertRow(Entry(11112), stale.Version.Next()));
        var before = await table.ReadAll();

        Assert.False(await table.UpdateRow(Entry(11111, SiloStatus.Active), stale.Members[0].Item2, stale.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(SiloStatus.Joining, after.Members.Single(member => member.Item1.SiloAddress.Equals(Silo(11111))).Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_ManySilosRaceOnTheSameRowAndVersion_ExactlyOneWins()
    {
        var clusterId = NewClusterId();
        var tables = Enumerable.Range(0, Racers).Select(_ => CreateTable(clusterId)).ToArray();
        try
        {
            await tables[0].InitializeMembershipTable(true);
            var target = Entry(11111, SiloStatus.Active);
            Assert.True(await tables[0].InsertRow(target, (await tables[0].ReadAll()).Version.Next()));
            var read = await tables[0].ReadAll();
            var (etag, version) = (read.Members[0].Item2, read.Version);

            // Each racer is a silo voting against 11111 with its own vote and name, from its own connection pool.
            var results = await RaceAsync(tables, (table, i) =>
            {
                var vote = Entry(11111, SiloStatus.Active);
                vote.SiloName = $"racer-{i}";
                vote.AddSuspector(Silo(12000 + i), DateTime.UtcNow);
                return table.UpdateRow(vote, etag, version.Next());
            });

            Assert.Equal(1, results.Count(won => won));
            var after = await tables[0].ReadAll();
            Assert.Equal(version.Version + 1, after.Version.Version);
            var stored = Assert.Single(after.Members).Item1;
            var winner = Array.IndexOf(results, true);
            Assert.Equal($"racer-{winner}", stored.SiloName);
            Assert.Equal(Silo(12000 + winner), Assert.Single(stored.SuspectTimes!).Item1);
        }
        finally
        {
            foreach (var table in tables)
            {
                await table.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task InsertRow_ManySilosJoinWithTheSameVersion_ExactlyOneSucceeds()
    {
        var clusterId = NewClusterId();
        var tables = Enumerable.Range(0, Racers).Select(_ => CreateTable(clusterId)).ToArray();
        try
        {
            await tables[0].InitializeMembershipTable(true);
            var version = (await tables[0].ReadAll()).Version;

            var results = await RaceAsync(tables, (table, i) => table.InsertRow(Entry(11111 + i), version.Next()));

            Assert.Equal(1, results.Count(won => won));
            var after = await tables[0].ReadAll();
            Assert.Equal(1, after.Version.Version);
            Assert.Equal(Silo(11111 + Array.IndexOf(results, true)), Assert.Single(after.Members).Item1.SiloAddress);
        }
        finally
        {
            foreach (var table in tables)
            {
                await table.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheIAmAliveTime()
    {
        await using var table = await InitializedTableAsync();
        var entry = Entry(11111, SiloStatus.Active);
        entry.AddSuspector(Silo(11112), DateTime.UtcNow);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();

        // Everything else in the entry differs too, and must be ignored.
        var heartbeat = Entry(11111, SiloStatus.Dead, proxyPort: 1);
        heartbeat.SiloName = "ignored";
        heartbeat.IAmAliveTime = Micro(entry.IAmAliveTime.AddMinutes(1));
        await table.UpdateIAmAlive(heartbeat);

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(before.Members[0].Item2, etag);
        Assert.Equal(heartbeat.IAmAliveTime, stored.IAmAliveTime);
        entry.IAmAliveTime = heartbeat.IAmAliveTime;
        AssertSameEntry(entry, stored);

        // A heartbeat of a silo without a row is no error.
        await table.UpdateIAmAlive(Entry(11199));
        Assert.Single((await table.ReadAll()).Members);
    }

    [Fact]
    public async Task InitializeMembershipTable_ManySilosAtOnce_IsSafeAndKeepsAnExistingVersion()
    {
        var clusterId = NewClusterId();
        var tables = Enumerable.Range(0, 8).Select(_ => CreateTable(clusterId)).ToArray();
        try
        {
            await RaceAsync(tables.Concat(tables).ToArray(), async (table, _) =>
            {
                await table.InitializeMembershipTable(true);
                return true;
            });

            var initialized = await tables[0].ReadAll();
            Assert.Equal(0, initialized.Version.Version);
            Assert.Empty(initialized.Members);
            Assert.True(await tables[1].InsertRow(Entry(11111), initialized.Version.Next()));

            // A silo starting later initializes again: the table it finds stays as it is.
            var before = await tables[0].ReadAll();
            await tables[2].InitializeMembershipTable(true);
            await tables[3].InitializeMembershipTable(false);
            var after = await tables[0].ReadAll();
            Assert.Equal(before.Version, after.Version);
            Assert.Single(after.Members);
        }
        finally
        {
            foreach (var table in tables)
            {
                await table.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GatewayListProvider_ListsOnlyActiveSilosWithProxyPorts()
    {
        var clusterId = NewClusterId();
        await using var table = await InitializedTableAsync(clusterId);
        foreach (var entry in new[]
        {
            Entry(11111, SiloStatus.Active, proxyPort: 30001),
            Entry(11112, SiloStatus.Active, proxyPort: 0),
            Entry(11113, SiloStatus.Joining, proxyPort: 30003),
            Entry(11114, SiloStatus.ShuttingDown, proxyPort: 30004),
            Entry(11115, SiloStatus.Dead, proxyPort: 30005),
            Entry(11116, SiloStatus.Active, proxyPort: 30006, generation: 7),
        })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }

        await using var otherTable = await InitializedTableAsync();
        Assert.True(await otherTable.InsertRow(Entry(11117, SiloStatus.Active, proxyPort: 30007), (await otherTable.ReadAll()).Version.Next()));

        var gatewayOptions = new GatewayOptions { GatewayListRefreshPeriod = TimeSpan.FromSeconds(10) };
        await using var provider = new PostgresGatewayListProvider(
            database.ConnectionString,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
            Options.Create(gatewayOptions),
            NullLogger<PostgresGatewayListProvider>.Instance);
        await provider.InitializeGatewayListProvider();

        var gateways = await provider.GetGateways();

        Assert.Equal(
            new[] { SiloAddress.New(IPAddress.Loopback, 30001, 1).ToGatewayUri(), SiloAddress.New(IPAddress.Loopback, 30006, 7).ToGatewayUri() }.OrderBy(uri => uri.ToString()),
            gateways.OrderBy(uri => uri.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(10), provider.MaxStaleness);
#pragma warning disable CS0618 // Obsolete in Orleans, but still part of the interface.
        Assert.True(provider.IsUpdatable);
#pragma warning restore CS0618
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyOldDeadRowsOfTheCluster()
    {
        var now = Micro(DateTime.UtcNow);
        var old = now.AddDays(-2);
        await using var table = await InitializedTableAsync();
        var oldDead = Entry(11111, SiloStatus.Dead, startTime: old.AddDays(-1), iAmAlive: old);
        var recentDead = Entry(11112, SiloStatus.Dead, startTime: old, iAmAlive: now.AddMinutes(-1));
        var oldActive = Entry(11113, SiloStatus.Active, startTime: old, iAmAlive: old);
        var oldShuttingDown = Entry(11114, SiloStatus.ShuttingDown, startTime: old, iAmAlive: old);

        // Silent for long, but declared dead just now: Orleans counts the vote as its last update.
        var justDeclaredDead = Entry(11115, SiloStatus.Dead, startTime: old, iAmAlive: old);
        justDeclaredDead.AddSuspector(Silo(11113), now);
        foreach (var entry in new[] { oldDead, recentDead, oldActive, oldShuttingDown, justDeclaredDead })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }

        await using var otherTable = await InitializedTableAsync();
        Assert.True(await otherTable.InsertRow(Entry(11111, SiloStatus.Dead, startTime: old, iAmAlive: old), (await otherTable.ReadAll()).Version.Next()));
        var before = await table.ReadAll();

        await table.CleanupDefunctSiloEntries(new DateTimeOffset(now.AddDays(-1)));

        var after = await table.ReadAll();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(
            new[] { recentDead, oldActive, oldShuttingDown, justDeclaredDead }.Select(entry => entry.SiloAddress).Order(),
            after.Members.Select(member => member.Item1.SiloAddress).Order());
        Assert.Single((await otherTable.ReadAll()).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesOnlyThatCluster_AndLeavesNoWritableVersion()
    {
        var clusterId = NewClusterId();
        await using var table = await InitializedTableAsync(clusterId);
        Assert.True(await table.InsertRow(Entry(11111), (await table.ReadAll()).Version.Next()));
        await using var otherTable = await InitializedTableAsync();
        Assert.True(await otherTable.InsertRow(Entry(11111), (await otherTable.ReadAll()).Version.Next()));
        var before = await table.ReadAll();

        await otherTable.DeleteMembershipTableEntries(clusterId);

        var after = await table.ReadAll();
        Assert.Empty(after.Members);
        Assert.False(await table.InsertRow(Entry(11112), after.Version.Next()));
        Assert.False(await table.InsertRow(Entry(11112), before.Version.Next()));
        Assert.Single((await otherTable.ReadAll()).Members);

        // Initialized again, the cluster starts over at version 0 with an etag no earlier holder can match.
        await table.InitializeMembershipTable(true);
        var fresh = await table.ReadAll();
        Assert.Equal(0, fresh.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, fresh.Version.VersionEtag);
        Assert.False(await table.InsertRow(Entry(11112), before.Version.Next()));
        Assert.True(await table.InsertRow(Entry(11112), fresh.Version.Next()));
    }

    [Fact]
    public async Task ReadAll_MalformedSuspicionVote_IsSkipped()
    {
        var clusterId = NewClusterId();
        await using var table = await InitializedTableAsync(clusterId);
        var entry = Entry(11111);
        entry.AddSuspector(Silo(11112), DateTime.UtcNow);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE orleans_membership SET suspect_times = 'garbage|' || suspect_times || '|127.0.0.1:1@1,yesterday' WHERE cluster_id = @c", connection);
            command.Parameters.AddWithValue("c", clusterId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var stored = Assert.Single((await table.ReadAll()).Members).Item1;

        Assert.Equal(entry.SuspectTimes, stored.SuspectTimes);
    }

    [Fact]
    public async Task InitializeMembershipTable_DatabaseNotMigrated_SaysSo()
    {
        var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("unmigrated");
        await using var table = new PostgresMembershipTable(
            connectionString, Options.Create(new ClusterOptions { ClusterId = NewClusterId() }), NullLogger<PostgresMembershipTable>.Instance);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => table.InitializeMembershipTable(true));

        Assert.Contains("migration", exception.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<PostgresException>(exception.InnerException);
    }

    [Fact]
    public async Task ManyCallsAtOnce_UseOnlyTheTablesOwnSmallPool()
    {
        // A database of its own, so that no other test's connections are counted.
        var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("membership_pool");
        await new StorageMigrator(new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = connectionString }).MigrateAsync();
        await using var table = new PostgresMembershipTable(
            connectionString + ";Maximum Pool Size=50;Application Name=storage",
            Options.Create(new ClusterOptions { ClusterId = NewClusterId() }),
            NullLogger<PostgresMembershipTable>.Instance);
        await table.InitializeMembershipTable(true);

        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => table.ReadAll())));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", connection);
        command.Parameters.AddWithValue("name", PostgresMembershipTable.ApplicationName);
        Assert.InRange((long)(await command.ExecuteScalarAsync())!, 1, PostgresMembershipTable.MaxPoolSize);
    }

    [Fact]
    public void EveryInterfaceMethod_IsImplementedByTheProviders()
    {
        // Orleans 10.4.2 calls the CancellationToken overloads. Their default implementations call the old methods
        // and only stop waiting when cancelled (WaitAsync), so a provider that left them to the interface would keep
        // its statements running after Orleans gave up on them.
        foreach (var (type, contract) in new[] { (typeof(PostgresMembershipTable), typeof(IMembershipTable)), (typeof(PostgresGatewayListProvider), typeof(Orleans.Messaging.IGatewayListProvider)) })
        {
            Assert.All(type.GetInterfaceMap(contract).TargetMethods, method => Assert.Equal(type, method.DeclaringType));
        }
    }

    [Fact]
    public async Task ReadAll_DatabaseThatNeverAnswers_FailsWithinTheShortTimeout()
    {
        // A listener that accepts and then says nothing: a database host that hangs rather than refuses.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptSocketAsync());
            }
        });
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            Username = "postgres",
        }.ConnectionString;
        await using var table = new PostgresMembershipTable(
            connectionString, Options.Create(new ClusterOptions { ClusterId = NewClusterId() }), NullLogger<PostgresMembershipTable>.Instance);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => table.ReadAll());

        Assert.IsType<TimeoutException>(failure.InnerException);

        // Npgsql's own default would wait 15 s to connect; the table's pool gives up after 5 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12));
        silent.Stop();
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
    }

    [Fact]
    public async Task UsePostgresClustering_TwoSilosJoin_AndAClientConnectsThroughTheGatewayList()
    {
        var clusterId = NewClusterId();
        var silos = new List<IHost>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var builder = Host.CreateApplicationBuilder();
                builder.Logging.ClearProviders();
                var (siloPort, gatewayPort) = (FreePort(), FreePort());
                builder.UseOrleans(silo => silo
                    .UsePostgresClustering(database.ConnectionString)
                    .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, "tests"))
                    .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort));
                var host = builder.Build();
                Assert.IsType<PostgresMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
                await host.StartAsync();
                silos.Add(host);
            }

            await using (var table = CreateTable(clusterId))
            {
                var members = (await table.ReadAll()).Members;
                Assert.Equal(2, members.Count(member => member.Item1.Status == SiloStatus.Active));
            }

            var clientBuilder = Host.CreateApplicationBuilder();
            clientBuilder.Logging.ClearProviders();
            clientBuilder.UseOrleansClient(client => client
                .UsePostgresClustering(database.ConnectionString)
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, "tests")));
            using var clientHost = clientBuilder.Build();
            Assert.IsType<PostgresGatewayListProvider>(clientHost.Services.GetRequiredService<Orleans.Messaging.IGatewayListProvider>());
            await clientHost.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await clientHost.StopAsync();

            // A graceful stop leaves the silo's row behind as Dead; the other one stays Active.
            await silos[1].StopAsync();
            await using (var table = CreateTable(clusterId))
            {
                var members = (await table.ReadAll()).Members;
                Assert.Equal(SiloStatus.Dead, members.Single(member => member.Item1.SiloAddress.Endpoint.Port != SiloPortOf(silos[0])).Item1.Status);
                Assert.Equal(SiloStatus.Active, members.Single(member => member.Item1.SiloAddress.Endpoint.Port == SiloPortOf(silos[0])).Item1.Status);
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.StopAsync();
                silo.Dispose();
            }
        }
    }

    private static int SiloPortOf(IHost silo) => silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.SiloPort;

    private static async Task<bool[]> RaceAsync(PostgresMembershipTable[] tables, Func<PostgresMembershipTable, int, Task<bool>> operation)
    {
        // Open each racer's connection first, so the race is decided in the database, not by who connected first.
        await Task.WhenAll(tables.Distinct().Select(table => table.ReadAll()));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = tables.Select((table, i) => Task.Run(async () =>
        {
            await start.Task;
            return await operation(table, i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(racers);
    }

    private async Task<PostgresMembershipTable> InitializedTableAsync(string? clusterId = null)
    {
        var table = CreateTable(clusterId ?? NewClusterId());
        await table.InitializeMembershipTable(true);
        return table;
    }

    private PostgresMembershipTable CreateTable(string clusterId) => new(
        database.ConnectionString,
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
        NullLogger<PostgresMembershipTable>.Instance);

    private static string NewClusterId() => "test-" + Guid.NewGuid().ToString("N");

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(IPAddress.Loopback, port, generation);

    /// <summary>An entry with every field set; times are whole microseconds, the precision PostgreSQL keeps.</summary>
    private static MembershipEntry Entry(
        int port, SiloStatus status = SiloStatus.Active, int proxyPort = 30000, int generation = 1, DateTime? startTime = null, DateTime? iAmAlive = null)
    {
        var now = Micro(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = Silo(port, generation),
            Status = status,
            ProxyPort = proxyPort,
            HostName = "host-" + port,
            SiloName = "silo-" + port,
            StartTime = startTime ?? now.AddMinutes(-1),
            IAmAliveTime = iAmAlive ?? now,
        };
    }

    private static DateTime Micro(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, actual.IAmAliveTime.Kind);
        Assert.Equal(expected.SuspectTimes, actual.SuspectTimes);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One migrated database for all tests of the class.</summary>
    public sealed class Database : IAsyncLifetime
    {
        /// <summary>The connection string of the database.</summary>
        public string ConnectionString { get; private set; } = string.Empty;

        /// <inheritdoc />
        public async Task InitializeAsync()
        {
            var server = await PostgresServer.StartAsync();
            ConnectionString = await server.CreateDatabaseAsync("membership");
            await new StorageMigrator(new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = ConnectionString }).MigrateAsync();
        }

        /// <inheritdoc />
        public Task DisposeAsync() => Task.CompletedTask;
    }
}
