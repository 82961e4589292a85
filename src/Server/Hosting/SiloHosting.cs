using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Hosting;

/// <summary>
/// Adds the Orleans silo that every server process runs: one code path, whether alone in process
/// (<see cref="ClusterMembership.InProcess"/>) or one of many on PostgreSQL membership.
/// </summary>
internal static class SiloHosting
{
    /// <summary>The settings <see cref="ClusterHostingOptions.FastFailureDetection"/> applies.</summary>
    internal static readonly TimeSpan FastProbeTimeout = TimeSpan.FromSeconds(1);
    internal const int FastMissedProbesLimit = 2;
    internal static readonly TimeSpan FastTablePeriod = TimeSpan.FromSeconds(2);
    internal static readonly TimeSpan FastDeathVoteExpiration = TimeSpan.FromSeconds(10);

    public static void AddPrivateFlSilo(IHostApplicationBuilder builder)
    {
        IServiceCollection services = builder.Services;
        services.AddOptions<ClusterHostingOptions>().BindConfiguration(ClusterHostingOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterHostingOptions>, ClusterHostingOptionsValidator>());

        // Orleans 10.4's watchdog starts its platform thread before it stamps the component check, so the first check
        // can report the machine's uptime as a stalled participant (Watchdog.Start): a false warning at start-up. Its
        // real stalls are also recorded in the silo's health score, which liveness uses.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);

        // Registered before the silo so that it runs first: the silo joins through these tables.
        services.AddHostedService<OrleansPostgresSchema>();

        // The membership provider is a registration, so it is chosen from configuration here; every other setting is
        // read from the validated options when the silo starts.
        ClusterMembership membership = builder.Configuration.GetSection(ClusterHostingOptions.SectionName).GetValue<ClusterMembership?>(nameof(ClusterHostingOptions.Membership)) ?? ClusterMembership.InProcess;
        ClusterGrainDirectory directory = builder.Configuration.GetSection(ClusterHostingOptions.SectionName).GetValue<ClusterGrainDirectory?>(nameof(ClusterHostingOptions.GrainDirectory)) ?? ClusterGrainDirectory.Distributed;
        builder.UseOrleans(silo =>
        {
            if (membership == ClusterMembership.Postgres)
            {
                silo.UseAdoNetClustering(clustering => clustering.Configure<IOptions<ClusterHostingOptions>, IOptions<StorageOptions>>((adoNet, cluster, storage) =>
                {
                    adoNet.Invariant = "Npgsql";
                    adoNet.ConnectionString = ClusterHostingOptionsValidator.EffectiveConnectionString(cluster.Value, storage.Value);
                }));
            }
            else
            {
                // A single silo that is its own primary: nothing outside the process.
                silo.UseDevelopmentClustering(primarySiloEndpoint: null);
            }

            if (directory == ClusterGrainDirectory.Distributed)
            {
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10; chosen by configuration only (docs/scale-out.md, "Grain directory").
                silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            }

            // Explicitly, not by scanning: the grain implementations and the one assembly of their interfaces.
            silo.Services.AddSerializer(serializer => serializer
                .AddAssembly(typeof(PrivateFl.Cluster.ISiloProbeGrain).Assembly)
                .AddAssembly(typeof(SiloHosting).Assembly));
        });

        services.AddOptions<Orleans.Configuration.ClusterOptions>().Configure<IOptions<ClusterHostingOptions>>((orleans, cluster) =>
        {
            orleans.ClusterId = cluster.Value.ClusterId;
            orleans.ServiceId = cluster.Value.ServiceId;
        });
        services.AddOptions<SiloOptions>().Configure<IOptions<ClusterHostingOptions>>((orleans, cluster) =>
        {
            if (!string.IsNullOrEmpty(cluster.Value.SiloName))
            {
                orleans.SiloName = cluster.Value.SiloName;
            }
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<ClusterHostingOptions>>((orleans, cluster) => ConfigureEndpoints(orleans, cluster.Value));
        services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<ClusterHostingOptions>>((orleans, cluster) => orleans.RangeLeaseDuration = cluster.Value.DirectoryLeaseDuration);
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<ClusterHostingOptions>>((orleans, cluster) => ConfigureLiveness(orleans, cluster.Value));
    }

    private static void ConfigureEndpoints(EndpointOptions orleans, ClusterHostingOptions cluster)
    {
        IPAddress address = IPAddress.Parse(cluster.AdvertisedAddress);
        orleans.AdvertisedIPAddress = address;
        orleans.SiloPort = cluster.SiloPort != 0 ? cluster.SiloPort : FreePort(address);
        orleans.GatewayPort = cluster.GatewayPort;
        orleans.SiloListeningEndpoint = new IPEndPoint(address, orleans.SiloPort);
        orleans.GatewayListeningEndpoint = cluster.GatewayPort != 0 ? new IPEndPoint(address, cluster.GatewayPort) : null;
    }

    private static void ConfigureLiveness(ClusterMembershipOptions orleans, ClusterHostingOptions cluster)
    {
        bool fast = cluster.FastFailureDetection;
        orleans.ProbeTimeout = fast ? FastProbeTimeout : cluster.ProbeTimeout;
        orleans.NumMissedProbesLimit = fast ? FastMissedProbesLimit : cluster.MissedProbesLimit;
        orleans.NumVotesForDeathDeclaration = cluster.VotesForDeathDeclaration;
        orleans.IAmAliveTablePublishTimeout = fast ? FastTablePeriod : cluster.IAmAlivePublishPeriod;
        orleans.TableRefreshTimeout = fast ? FastTablePeriod : cluster.TableRefreshPeriod;
        if (fast)
        {
            orleans.DeathVoteExpirationTimeout = FastDeathVoteExpiration;
        }
    }

    /// <summary>A port free now on <paramref name="address"/>; the silo binds it moments later.</summary>
    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
