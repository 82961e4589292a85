using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PrivateFl.Server.Options;

/// <summary>
/// Refuses to start with an unusable <see cref="ClusterHostingOptions"/>, naming the setting; never repeats a
/// connection string (it may hold a password).
/// </summary>
internal sealed class ClusterHostingOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<ClusterHostingOptions>
{
    private const string Section = ClusterHostingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ClusterHostingOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Membership))
        {
            failures.Add($"{Section}:Membership '{options.Membership}' is not a membership; use InProcess or Postgres.");
        }
        else if (options.Membership == ClusterMembership.Postgres)
        {
            ValidateConnectionString(EffectiveConnectionString(options, storage.Value), failures);
        }

        if (!Enum.IsDefined(options.GrainDirectory))
        {
            failures.Add($"{Section}:GrainDirectory '{options.GrainDirectory}' is not a directory; use Distributed or Classic.");
        }

        ValidateIdentity(nameof(ClusterHostingOptions.ClusterId), options.ClusterId, failures);
        ValidateIdentity(nameof(ClusterHostingOptions.ServiceId), options.ServiceId, failures);
        if (options.SiloName.Length > 150)
        {
            failures.Add($"{Section}:SiloName must be at most 150 characters (the membership table's column); got {options.SiloName.Length}.");
        }

        if (options.SiloPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add($"{Section}:SiloPort must be 0 (a free port) to 65535; got {options.SiloPort}.");
        }

        if (options.GatewayPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add($"{Section}:GatewayPort must be 0 (no gateway) to 65535; got {options.GatewayPort}.");
        }
        else if (options.GatewayPort != 0 && options.GatewayPort == options.SiloPort)
        {
            failures.Add($"{Section}:GatewayPort must differ from {Section}:SiloPort; both are {options.SiloPort}.");
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out IPAddress? address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.None))
        {
            failures.Add($"{Section}:AdvertisedAddress must be one IP address the other silos can reach (not 0.0.0.0 or ::); got '{options.AdvertisedAddress}'.");
        }
        else if (!IPAddress.IsLoopback(address) && !options.AllowPlaintextSiloTraffic)
        {
            failures.Add($"{Section}:AdvertisedAddress {address} is not loopback, and silo-to-silo traffic is not encrypted: set {Section}:AllowPlaintextSiloTraffic=true only on a protected private network.");
        }

        if (options.DirectoryLeaseDuration < TimeSpan.Zero || options.DirectoryLeaseDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Section}:DirectoryLeaseDuration must be 0 (no hold) to 10 minutes; got {options.DirectoryLeaseDuration}.");
        }

        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(100) || options.ProbeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:ProbeTimeout must be 100 ms to 5 minutes; got {options.ProbeTimeout}.");
        }

        if (options.MissedProbesLimit is < 1 or > 100)
        {
            failures.Add($"{Section}:MissedProbesLimit must be 1 to 100; got {options.MissedProbesLimit}.");
        }

        if (options.VotesForDeathDeclaration is < 1 or > 100)
        {
            failures.Add($"{Section}:VotesForDeathDeclaration must be 1 to 100; got {options.VotesForDeathDeclaration}.");
        }

        if (options.IAmAlivePublishPeriod < TimeSpan.FromMilliseconds(100) || options.IAmAlivePublishPeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}:IAmAlivePublishPeriod must be 100 ms to 1 hour; got {options.IAmAlivePublishPeriod}.");
        }

        if (options.TableRefreshPeriod < TimeSpan.FromMilliseconds(100) || options.TableRefreshPeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}:TableRefreshPeriod must be 100 ms to 1 hour; got {options.TableRefreshPeriod}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The membership database: the cluster's own setting, else the store's when the store is PostgreSQL.</summary>
    internal static string EffectiveConnectionString(ClusterHostingOptions options, StorageOptions storage) =>
        !string.IsNullOrWhiteSpace(options.ConnectionString) ? options.ConnectionString
        : storage.Provider == StorageProvider.Postgres ? storage.ConnectionString
        : string.Empty;

    private static void ValidateIdentity(string setting, string value, List<string> failures)
    {
        // The membership table's DeploymentId column is varchar(150); Orleans puts the ClusterId there.
        if (string.IsNullOrWhiteSpace(value) || value.Length > 150)
        {
            failures.Add($"{Section}:{setting} must be 1 to 150 characters; got {(value is null ? "none" : value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.");
        }
    }

    private static void ValidateConnectionString(string connectionString, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{Section}:ConnectionString must be set when {Section}:Membership is Postgres, unless StorageOptions:Provider is Postgres (then the store's connection string is used).");
            return;
        }

        try
        {
            if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host))
            {
                failures.Add($"{Section}:ConnectionString must name a Host.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The parser's message can quote the offending value, which may be the password: name only the failure's kind.
            failures.Add($"{Section}:ConnectionString is not a valid PostgreSQL connection string ({ex.GetType().Name}); use Npgsql keywords such as Host, Port, Database, Username and Password separated by ';'.");
        }
    }
}
