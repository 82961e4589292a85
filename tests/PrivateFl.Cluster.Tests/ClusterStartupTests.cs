using System.Globalization;

namespace PrivateFl.Cluster.Tests;

/// <summary>The standalone server refuses a cluster it cannot join with one line naming the setting, never the password.</summary>
[Collection(SiloProcessesRunInTurn.Name)]
public sealed class ClusterStartupTests
{
    private const string Password = "membership-db-password-never-printed-7";

    [Fact]
    public async Task Start_PostgresMembershipWithoutConnectionString_OneLineNamingItAndExit2()
    {
        (int code, string output) = await RunToExitAsync(new Dictionary<string, string> { ["Cluster__Membership"] = "Postgres" });

        Assert.Equal(2, code);
        AssertOneLine(output, "Cluster:ConnectionString must be set");
    }

    [Fact]
    public async Task Start_PostgresMembershipUnreachable_OneLineNamingTheTargetWithoutThePasswordAndExit3()
    {
        int nobody = SiloProcess.FreePort();

        (int code, string output) = await RunToExitAsync(new Dictionary<string, string>
        {
            ["Cluster__Membership"] = "Postgres",
            ["Cluster__ConnectionString"] = $"Host=127.0.0.1;Port={nobody};Database=privatefl;Username=privatefl;Password={Password};Timeout=5",
        });

        Assert.Equal(3, code);
        AssertOneLine(output, $"Cluster:ConnectionString: cannot create Orleans' membership tables on PostgreSQL (host 127.0.0.1:{nobody}, database 'privatefl', user 'privatefl')");
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NonLoopbackSiloAddressWithoutConsent_OneLineNamingItAndExit2()
    {
        (int code, string output) = await RunToExitAsync(new Dictionary<string, string> { ["Cluster__AdvertisedAddress"] = "192.0.2.10" });

        Assert.Equal(2, code);
        AssertOneLine(output, "Cluster:AllowPlaintextSiloTraffic");
    }

    private static async Task<(int Code, string Output)> RunToExitAsync(Dictionary<string, string> settings)
    {
        settings["ServerOptions__AdminApiKey"] = "cluster-test-admin-key-0123456789";
        settings["ServerOptions__Urls"] = "http://127.0.0.1:" + SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        settings["StorageOptions__DatabasePath"] = Path.Combine(Path.GetTempPath(), $"privatefl-cluster-{Guid.NewGuid():n}.db");
        settings["Logging__LogLevel__Default"] = "Warning";
        using SiloProcess server = SiloProcess.StartWith("refused", settings);
        int code = await server.ExitCodeAsync(TimeSpan.FromSeconds(60));
        File.Delete(settings["StorageOptions__DatabasePath"]);
        return (code, server.Output);
    }

    private static void AssertOneLine(string output, string named)
    {
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("privatefl-server: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }
}
