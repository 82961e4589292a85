using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PrivateFl.Cluster.Tests;

/// <summary>The standalone server (<c>PrivateFl.Server.dll</c>) as a child process, configured by environment variables.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string name, int httpPort, int siloPort, int gatewayPort)
    {
        _process = process;
        Name = name;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts one silo of a cluster on PostgreSQL membership and store, on free loopback ports.</summary>
    public static SiloProcess Start(string name, string clusterId, string connectionString, IReadOnlyDictionary<string, string>? extra = null)
    {
        int http = FreePort();
        int silo = FreePort();
        int gateway = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ServerOptions__AdminApiKey"] = "cluster-test-admin-key-0123456789",
            ["ServerOptions__Urls"] = $"http://127.0.0.1:{http}",
            ["StorageOptions__Provider"] = "Postgres",
            ["StorageOptions__ConnectionString"] = connectionString,
            ["Cluster__Membership"] = "Postgres",
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__SiloName"] = name,
            ["Cluster__SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__FastFailureDetection"] = "true",
            // A dead silo's grains come back after the directory's hold: 5 s here instead of 30 s (docs/scale-out.md).
            ["Cluster__DirectoryLeaseDuration"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach ((string key, string value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartWith(name, environment, http, silo, gateway);
    }

    /// <summary>Starts the server with exactly <paramref name="environment"/> on top of this process's environment.</summary>
    public static SiloProcess StartWith(string name, IReadOnlyDictionary<string, string> environment, int httpPort = 0, int siloPort = 0, int gatewayPort = 0)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PrivateFl.Server.dll"));
        foreach ((string key, string value) in environment)
        {
            info.Environment[key] = value;
        }

        return new SiloProcess(Process.Start(info)!, name, httpPort, siloPort, gatewayPort);
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Ends the process at once (SIGKILL on Linux): no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
