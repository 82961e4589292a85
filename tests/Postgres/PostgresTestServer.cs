using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PrivateFl.Tests.Postgres;

/// <summary>
/// A PostgreSQL 15 server for tests: the one named by <c>PRIVATEFL_TEST_POSTGRES</c> (a connection string of a role
/// that may create databases), or else a throwaway one started from <c>/usr/lib/postgresql/15/bin</c> in a fresh
/// temporary folder on a free loopback port, stopped and removed when the test process ends. One per test process;
/// every caller gets its own fresh database.
/// </summary>
/// <remarks>
/// When neither is available the tests fail (never skip) with <see cref="HowToGetPostgres"/>: the store contract is
/// only proven if it runs on both providers.
/// </remarks>
internal sealed class PostgresTestServer
{
    public const string EnvironmentVariable = "PRIVATEFL_TEST_POSTGRES";
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    public const string HowToGetPostgres =
        "The PostgreSQL store tests need PostgreSQL 15: install the Debian package postgresql-15 (apt-get install -y postgresql-15, " +
        "which provides " + BinDirectory + "; .ci/run does this), or set " + EnvironmentVariable + " to the connection string of a role that may create databases.";

    private static readonly Lazy<Task<PostgresTestServer>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _adminConnectionString;

    private PostgresTestServer(string adminConnectionString, TimeSpan startup)
    {
        _adminConnectionString = adminConnectionString;
        Startup = startup;
    }

    /// <summary>Gets how long starting the throwaway server took (zero for an external one).</summary>
    public TimeSpan Startup { get; }

    /// <summary>The test process's server, started on first use.</summary>
    public static Task<PostgresTestServer> GetAsync() => Instance.Value;

    /// <summary>Creates a fresh, empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = "privatefl_test_" + Guid.NewGuid().ToString("n");
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresTestServer> StartAsync()
    {
        string? external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresTestServer(external, TimeSpan.Zero);
        }

        string postgres = Path.Combine(BinDirectory, "postgres");
        if (!File.Exists(postgres))
        {
            throw new InvalidOperationException($"{postgres} was not found and {EnvironmentVariable} is not set. {HowToGetPostgres}");
        }

        var clock = Stopwatch.StartNew();
        DirectoryInfo root = Directory.CreateTempSubdirectory("privatefl-pg-");
        string data = Path.Combine(root.FullName, "data");
        string sockets = Path.Combine(root.FullName, "sockets");
        Directory.CreateDirectory(sockets);

        // initdb and postgres refuse to run as root: as root, hand the folder to the postgres user and run as it.
        bool asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root.FullName], asPostgres: false);
        }

        StopWhenThisProcessEnds(data, root.FullName, asRoot);
        int port = FreePort();
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"], asRoot);
        string options = $"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(root.FullName, "server.log"), "-w", "-t", "60", "start"], asRoot);

        string admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false }.ToString();
        return new PostgresTestServer(admin, clock.Elapsed);
    }

    /// <summary>
    /// Starts a detached watchdog that stops the server and removes its folder once this process has ended, however it
    /// ends: the test host is killed soon after the last test, too soon for a <c>ProcessExit</c> handler to finish.
    /// </summary>
    private static void StopWhenThisProcessEnds(string data, string root, bool asRoot)
    {
        string pgCtl = (asRoot ? "runuser -u postgres -- " : string.Empty) + Path.Combine(BinDirectory, "pg_ctl");
        string script = $"exec >/dev/null 2>&1 </dev/null; while kill -0 {Environment.ProcessId}; do sleep 0.5; done; {pgCtl} -D '{data}' -m immediate -w stop; rm -rf '{root}'";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (string part in new[] { "sh", "-c", script })
        {
            start.ArgumentList.Add(part);
        }

        using Process watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (string part in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}. {HowToGetPostgres}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()} {HowToGetPostgres}");
        }
    }
}
