using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using PrivateFl.Tests.Postgres;
using Xunit.Abstractions;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// Three server processes on loopback with a throwaway PostgreSQL for membership and store, as an operator runs them:
/// one is killed with SIGKILL and the other two carry on.
/// </summary>
[Collection(SiloProcessesRunInTurn.Name)]
public sealed class SiloProcessClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("n");
    private readonly List<SiloProcess> _silos = [];
    private PostgresTestServer? _postgres;
    private string _connectionString = string.Empty;
    private IHost? _client;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestServer.GetAsync();
        _connectionString = await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        // Every child process goes, whatever the test did.
        foreach (SiloProcess silo in _silos)
        {
            silo.Dispose();
        }

        if (_client is not null)
        {
            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The gateways are gone; the client had nothing left to say goodbye to.
            }

            _client.Dispose();
        }

        if (_postgres is not null && _connectionString.Length > 0)
        {
            await _postgres.DropDatabaseAsync(_connectionString);
        }
    }

    [Fact]
    public async Task ThreeSilos_OneKilled_SurvivorsDeclareItDeadAndKeepServing()
    {
        // Arrange: three processes at once, so they also race to create Orleans' tables.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            _silos.Add(SiloProcess.Start($"silo-{i}", _clusterId, _connectionString));
        }

        TimeSpan formed = await MembershipTable.WaitUntilAsync(_connectionString, _clusterId, rows => rows.Count(r => r.Status == MembershipTable.Active) == 3, TimeSpan.FromSeconds(90), Diagnostics);
        output.WriteLine($"3 silos Active in the membership table {formed.TotalSeconds:F1} s after starting the processes.");
        Assert.Equal(_silos.Select(s => s.Name).Order(), (await MembershipTable.ReadAsync(_connectionString, _clusterId)).Select(r => r.Name).Order());
        IClusterClient client = await ConnectAsync();
        SiloProbeReply[] before = await ProbeAllAsync(client, TimeSpan.FromSeconds(60));
        Assert.Equal(3, before.Select(r => r.SiloAddress).Distinct().Count());

        // Act
        SiloProcess victim = _silos[1];
        victim.Kill();
        clock.Restart();
        TimeSpan declared = await MembershipTable.WaitUntilAsync(_connectionString, _clusterId, rows => rows.Any(r => r.Port == victim.SiloPort && r.Status == MembershipTable.Dead), TimeSpan.FromSeconds(60), Diagnostics);
        output.WriteLine($"The killed silo was declared Dead {declared.TotalSeconds:F1} s after SIGKILL.");
        SiloProbeReply[] after = await ProbeAllAsync(client, TimeSpan.FromSeconds(60));
        output.WriteLine($"All probe grains answered again {clock.Elapsed.TotalSeconds:F1} s after SIGKILL.");

        // A survivor learns of the death from gossip or its next table read (every 2 s here).
        var settle = Stopwatch.StartNew();
        while (after.Any(r => r.ActiveSilos != 2) && settle.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(500);
            after = await ProbeAllAsync(client, TimeSpan.FromSeconds(60));
        }

        output.WriteLine($"Every survivor's view held 2 active silos {clock.Elapsed.TotalSeconds:F1} s after SIGKILL.");

        // Assert: declared dead within the fast-detection bound; the others stay Active and serve every grain.
        Assert.InRange(declared, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        IReadOnlyList<(string Name, int Port, int Status)> rows = await MembershipTable.ReadAsync(_connectionString, _clusterId);
        Assert.All(rows.Where(r => r.Port != victim.SiloPort), r => Assert.Equal(MembershipTable.Active, r.Status));
        Assert.All(after, r => Assert.DoesNotContain($":{victim.SiloPort}@", r.SiloAddress, StringComparison.Ordinal));
        Assert.Equal(2, after.Select(r => r.SiloAddress).Distinct().Count());
        Assert.All(after, r => Assert.Equal(2, r.ActiveSilos));
        Assert.False(_silos[0].HasExited || _silos[2].HasExited, Diagnostics());
    }

    private async Task<IClusterClient> ConnectAsync()
    {
        // An Orleans client finds the gateways through the same membership table.
        _client = new HostBuilder()
            .UseOrleansClient(client => client
                .UseAdoNetClustering(options =>
                {
                    options.Invariant = "Npgsql";
                    options.ConnectionString = _connectionString;
                })
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = _clusterId;
                    options.ServiceId = "privatefl";
                }))
            .Build();
        await _client.StartAsync();
        return _client.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Probes 60 grains, retrying each until it answers (a grain of a dead silo answers once it is reactivated).</summary>
    private static async Task<SiloProbeReply[]> ProbeAllAsync(IClusterClient client, TimeSpan timeout)
    {
        var stop = DateTime.UtcNow + timeout;
        return await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            while (true)
            {
                try
                {
                    return await client.GetGrain<ISiloProbeGrain>($"probe-{i}").ProbeAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception) when (DateTime.UtcNow < stop)
                {
                    await Task.Delay(200);
                }
            }
        }));
    }

    private string Diagnostics() => string.Join(" | ", _silos.Select(s => $"{s.Name} (exited: {s.HasExited}): {Tail(s.Output)}"));

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
