using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.CrashRecovery;

/// <summary>
/// The aggregation server as a real separate process (the built <c>PrivateFl.Server.dll</c> run by <c>dotnet</c>), on a
/// loopback port with a given SQLite file, so that a test can kill it with SIGKILL and start it again on the same files.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    public const string AdminKey = "crash-test-admin-key-0123456789";
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string[] _settings;
    private Process? _process;

    public ServerProcess(string databasePath, IEnumerable<string> settings)
    {
        Port = FreePort();
        Address = new Uri($"http://127.0.0.1:{Port}");
        _settings =
        [
            $"--ServerOptions:Urls={Address}",
            $"--ServerOptions:AdminApiKey={AdminKey}",
            $"--StorageOptions:DatabasePath={databasePath}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
    }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>The last lines the server wrote, for a failure message.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    public static CallOptions AdminCall(TimeSpan? timeout = null) =>
        new(new Metadata { { "x-privatefl-admin-key", AdminKey } }, DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10)));

    /// <summary>Starts the process and waits until it answers an admin call.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        string serverDll = Path.Combine(AppContext.BaseDirectory, "PrivateFl.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(serverDll);
        foreach (string setting in _settings)
        {
            start.ArgumentList.Add(setting);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using GrpcChannel channel = GrpcChannel.ForAddress(Address);
        var admin = new Admin.AdminClient(channel);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await admin.ListSessionsAsync(new ListSessionsRequest(), AdminCall(TimeSpan.FromSeconds(2)));
                return;
            }
            catch (RpcException) when (clock.Elapsed < timeout && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly as a power cut or the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40)
        {
            _output.TryDequeue(out _);
        }
    }
}
