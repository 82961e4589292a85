using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Cluster.Tests;

/// <summary>The <c>Cluster</c> section is checked at start-up and names the setting that is wrong.</summary>
public sealed class ClusterHostingOptionsTests
{
    private const string Password = "membership-secret-password-42";

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NonLoopbackAddressWithoutPlaintextConsent_FailsNamingBothSettings()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { AdvertisedAddress = "10.1.2.3" });

        Assert.True(result.Failed);
        Assert.Contains("Cluster:AdvertisedAddress 10.1.2.3 is not loopback", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Cluster:AllowPlaintextSiloTraffic", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonLoopbackAddressWithPlaintextConsent_Succeeds()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { AdvertisedAddress = "10.1.2.3", AllowPlaintextSiloTraffic = true });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("localhost")]
    public void Validate_AddressNotOneReachableIp_Fails(string address)
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { AdvertisedAddress = address, AllowPlaintextSiloTraffic = true });

        Assert.Contains("Cluster:AdvertisedAddress must be one IP address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithoutAnyConnectionString_FailsNamingTheSetting()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { Membership = ClusterMembership.Postgres });

        Assert.Contains("Cluster:ConnectionString must be set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PostgresWithThePostgresStore_UsesTheStoreConnectionString()
    {
        var storage = new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=127.0.0.1;Database=privatefl" };
        var cluster = new ClusterHostingOptions { Membership = ClusterMembership.Postgres };

        ValidateOptionsResult result = Validate(cluster, storage);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(storage.ConnectionString, ClusterHostingOptionsValidator.EffectiveConnectionString(cluster, storage));
    }

    [Fact]
    public void Validate_PostgresConnectionStringMalformed_FailsWithoutThePassword()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { Membership = ClusterMembership.Postgres, ConnectionString = $"Host=127.0.0.1;Password={Password};Port=not-a-port" });

        Assert.Contains("Cluster:ConnectionString is not a valid PostgreSQL connection string", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImpossibleNumbers_FailsNamingEach()
    {
        var options = new ClusterHostingOptions
        {
            ClusterId = "",
            SiloPort = 70000,
            GatewayPort = -1,
            ProbeTimeout = TimeSpan.Zero,
            MissedProbesLimit = 0,
            VotesForDeathDeclaration = 0,
            DirectoryLeaseDuration = TimeSpan.FromSeconds(-1),
            IAmAlivePublishPeriod = TimeSpan.Zero,
            TableRefreshPeriod = TimeSpan.FromDays(1),
        };

        string message = Validate(options).FailureMessage ?? string.Empty;

        foreach (string setting in new[] { "ClusterId", "SiloPort", "GatewayPort", "ProbeTimeout", "MissedProbesLimit", "VotesForDeathDeclaration", "DirectoryLeaseDuration", "IAmAlivePublishPeriod", "TableRefreshPeriod" })
        {
            Assert.Contains($"Cluster:{setting} must", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_GatewayOnTheSiloPort_Fails()
    {
        ValidateOptionsResult result = Validate(new ClusterHostingOptions { SiloPort = 11111, GatewayPort = 11111 });

        Assert.Contains("Cluster:GatewayPort must differ from Cluster:SiloPort", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(ClusterHostingOptions options, StorageOptions? storage = null) =>
        new ClusterHostingOptionsValidator(Microsoft.Extensions.Options.Options.Create(storage ?? new StorageOptions())).Validate(null, options);
}
