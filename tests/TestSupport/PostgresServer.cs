using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for tests. <see cref="StartAsync"/> returns one server shared by the whole test
/// process: the server named by the <c>OC_TEST_POSTGRES</c> environment variable (a connection string whose user may
/// CREATE DATABASE) when it is set, otherwise a private server started from the local PostgreSQL binaries in a temp
/// directory and removed when the process exits. Each test gets a fresh database from
/// <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server to use instead of starting one.</summary>
    public const string EnvironmentVariable = "OC_TEST_POSTGRES";

    private const string InstallHint =
        "Install them with: apt-get install -y postgresql (Debian/Ubuntu; the binaries land in /usr/lib/postgresql/<version>/bin), " +
        "or set " + EnvironmentVariable + " to the connection string of a server whose user may CREATE DATABASE.";

    private static readonly object SharedLock = new();
    private static Task<PostgresServer>? _shared;

    private readonly LocalServer? _local;
    private int _disposed;

    private PostgresServer(string adminConnectionString, LocalServer? local)
    {
        AdminConnectionString = adminConnectionString;
        _local = local;
    }

    /// <summary>A connection string to the server's maintenance database, as a user that may create databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when this process started the server (rather than using <c>OC_TEST_POSTGRES</c>).</summary>
    public bool IsLocal => _local is not null;

    /// <summary>
    /// Returns the process's shared server, starting it on first use. It is stopped when the process exits; do not
    /// dispose it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No server is configured and the PostgreSQL binaries are missing.</exception>
    public static Task<PostgresServer> StartAsync()
    {
        lock (SharedLock)
        {
            // A failed start is not cached, so a later test reports the real error again instead of a stale one.
            if (_shared is null || _shared.IsFaulted || _shared.IsCanceled)
            {
                _shared = StartSharedAsync();
            }

            return _shared;
        }
    }

    /// <summary>
    /// Starts a server owned by the caller (e.g. to stop it in a test); dispose it to stop it and delete its files.
    /// </summary>
    public static Task<PostgresServer> StartNewAsync() => CreateAsync();

    /// <summary>Creates a fresh, uniquely named database and returns a connection string to it.</summary>
    /// <param name="prefix">A readable start of the name, e.g. the test class; letters, digits and '_' are kept.</param>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var name = new StringBuilder();
        foreach (var c in prefix)
        {
            if (name.Length >= 30)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                name.Append(char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c);
            }
        }

        name.Append('_').Append(Guid.NewGuid().ToString("N").AsSpan(0, 16));
        var database = name.ToString();

        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The name is built above from letters, digits and '_' only.
            command.CommandText = $"CREATE DATABASE \"{database}\"";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>Stops a server started by <see cref="StartNewAsync"/> and deletes its files; no effect on the shared one.</summary>
    public ValueTask DisposeAsync()
    {
        if (ReferenceEquals(this, SharedInstanceOrNull()) || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _local?.Stop();
        return ValueTask.CompletedTask;
    }

    private static PostgresServer? SharedInstanceOrNull()
    {
        lock (SharedLock)
        {
            return _shared is { IsCompletedSuccessfully: true } ? _shared.Result : null;
        }
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await CreateAsync().ConfigureAwait(false);
        if (server._local is { } local)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => local.Stop();
        }

        return server;
    }

    private static async Task<PostgresServer> CreateAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresServer(configured, local: null);
        }

        var local = await Task.Run(LocalServer.Start).ConfigureAwait(false);
        return new PostgresServer(local.AdminConnectionString, local);
    }

    /// <summary>A server process in a temp directory, started with initdb and pg_ctl.</summary>
    private sealed class LocalServer
    {
        private readonly string _binDirectory;
        private readonly string _root;
        private readonly bool _asPostgresUser;
        private int _stopped;

        private int _port;

        private LocalServer(string binDirectory, string root, bool asPostgresUser)
        {
            _binDirectory = binDirectory;
            _root = root;
            _asPostgresUser = asPostgresUser;
        }

        public string AdminConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;

        private string DataDirectory => Path.Combine(_root, "data");

        public static LocalServer Start()
        {
            var bin = FindBinDirectory() ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " + InstallHint);

            // PostgreSQL refuses to run as root (CI runs as root), so there it runs as the 'postgres' user.
            var asPostgresUser = Environment.UserName == "root";
            if (asPostgresUser && !PostgresUserExists())
            {
                throw new InvalidOperationException(
                    "Running as root, the test PostgreSQL server must run as the 'postgres' user, which does not exist. " + InstallHint);
            }

            var root = Path.Combine(Path.GetTempPath(), "oc-pg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(root);
            try
            {
                if (asPostgresUser)
                {
                    Run("chown", ["-R", "postgres:postgres", root], asPostgresUser: false);
                }

                var server = new LocalServer(bin, root, asPostgresUser);

                // --no-sync only skips flushing the initial files; the server itself runs with fsync=on.
                server.RunTool("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);

                // A free port can be taken by someone else before the server binds it; try a few.
                for (var attempt = 1; ; attempt++)
                {
                    server._port = FreePort();
                    try
                    {
                        server.RunTool("pg_ctl",
                        [
                            "-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
                            "-o", $"-p {server._port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -k {root} -c fsync=on -c max_connections=300",
                            "start",
                        ]);
                        server.StartWatchdog();
                        return server;
                    }
                    catch (InvalidOperationException) when (attempt < 3)
                    {
                    }
                }
            }
            catch
            {
                TryDelete(root);
                throw;
            }
        }

        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            try
            {
                // Immediate: the data is thrown away, so there is nothing to shut down cleanly for.
                RunTool("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the files are removed anyway.
            }

            TryDelete(_root);
        }

        /// <summary>
        /// Starts a detached shell that waits for this process to end, then stops the server and deletes its files.
        /// The ProcessExit handler does the same sooner, but a test host is often killed right after the run (or
        /// crashes), and an orphaned server would hold a port and disk space until reboot.
        /// </summary>
        private void StartWatchdog()
        {
            var pgCtl = Path.Combine(_binDirectory, "pg_ctl");
            var stop = _asPostgresUser ? $"runuser -u postgres -- '{pgCtl}'" : $"'{pgCtl}'";
            var script =
                "exec </dev/null >/dev/null 2>&1; " +
                $"while kill -0 {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}; do sleep 1; done; " +
                $"{stop} -D '{DataDirectory}' -m immediate -w stop; rm -rf '{_root}'";

            // setsid: a signal to the test runner's process group must not kill the watchdog too. The redirections
            // keep the watchdog off the test runner's output pipes, which it would otherwise hold open.
            var start = new ProcessStartInfo("setsid")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            Process.Start(start)?.Dispose();
        }

        private void RunTool(string tool, IReadOnlyList<string> arguments) =>
            Run(Path.Combine(_binDirectory, tool), arguments, _asPostgresUser);

        private static void Run(string fileName, IReadOnlyList<string> arguments, bool asPostgresUser)
        {
            var start = new ProcessStartInfo
            {
                FileName = asPostgresUser ? "runuser" : fileName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            if (asPostgresUser)
            {
                start.ArgumentList.Add("-u");
                start.ArgumentList.Add("postgres");
                start.ArgumentList.Add("--");
                start.ArgumentList.Add(fileName);
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");

            // Read both streams concurrently so that neither pipe fills up and blocks the child.
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:{Environment.NewLine}{output.Result}{error.Result}");
            }
        }

        private static string? FindBinDirectory()
        {
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
                {
                    return directory;
                }
            }

            const string debianRoot = "/usr/lib/postgresql";
            if (!Directory.Exists(debianRoot))
            {
                return null;
            }

            // The newest installed major version wins.
            return Directory.GetDirectories(debianRoot)
                .Select(directory => (Directory: Path.Combine(directory, "bin"), Version: int.TryParse(Path.GetFileName(directory), out var v) ? v : 0))
                .Where(candidate => File.Exists(Path.Combine(candidate.Directory, "initdb")) && File.Exists(Path.Combine(candidate.Directory, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Directory)
                .FirstOrDefault();
        }

        private static bool PostgresUserExists() =>
            File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal));

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static void TryDelete(string directory)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
