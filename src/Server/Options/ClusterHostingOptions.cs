namespace PrivateFl.Server.Options;

/// <summary>
/// The Orleans silo that every server process runs (docs/scale-out.md). Bound from the <c>Cluster</c> configuration
/// section and validated at start-up.
/// </summary>
/// <remarks>
/// The default is a single silo in process with no external service; joining a cluster of several server processes
/// is configuration only: <see cref="Membership"/> = <see cref="ClusterMembership.Postgres"/>, one
/// <see cref="ClusterId"/>, and ports per process. Silo-to-silo traffic is plaintext, so a silo advertises a
/// non-loopback address only with <see cref="AllowPlaintextSiloTraffic"/>.
/// </remarks>
public sealed class ClusterHostingOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>Gets or sets how the silo finds the other silos. Default: <see cref="ClusterMembership.InProcess"/>.</summary>
    public ClusterMembership Membership { get; set; } = ClusterMembership.InProcess;

    /// <summary>
    /// Gets or sets the PostgreSQL connection string (Npgsql keywords) of the membership tables when
    /// <see cref="Membership"/> is <see cref="ClusterMembership.Postgres"/>. Default: empty, which means
    /// <see cref="StorageOptions.ConnectionString"/> when the store is PostgreSQL too.
    /// </summary>
    /// <remarks>
    /// Orleans' tables (<c>OrleansQuery</c>, <c>OrleansMembershipTable</c>, <c>OrleansMembershipVersionTable</c>) are
    /// created at start-up when missing. The server never prints the connection string.
    /// </remarks>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the cluster's identity: silos with the same <see cref="ClusterId"/> on the same membership database
    /// form one cluster. Default: <c>privatefl</c>.
    /// </summary>
    public string ClusterId { get; set; } = "privatefl";

    /// <summary>Gets or sets the service's identity, which stays the same across deployments of the cluster. Default: <c>privatefl</c>.</summary>
    public string ServiceId { get; set; } = "privatefl";

    /// <summary>Gets or sets the silo's name in the membership table. Default: empty (Orleans names it after the host and port).</summary>
    public string SiloName { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the TCP port for silo-to-silo traffic. Default: 0, a free port chosen at start-up (the membership
    /// table publishes it); set a fixed port when a firewall must allow it.
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>
    /// Gets or sets the TCP port on which Orleans clients outside the cluster reach it. Default: 0, no gateway: the
    /// server's own front ends are inside the silo and need none.
    /// </summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// Gets or sets the IP address the silo listens on and publishes to the other silos. Default: <c>127.0.0.1</c>.
    /// </summary>
    /// <remarks>Anything but a loopback address needs <see cref="AllowPlaintextSiloTraffic"/>: see there.</remarks>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Gets or sets whether the silo may advertise a non-loopback address although silo-to-silo traffic is not
    /// encrypted. Default: <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Silos exchange cohort sums and grain calls in plaintext (Orleans without its TLS connection package). Set this
    /// only on a private network that is itself protected.
    /// </remarks>
    public bool AllowPlaintextSiloTraffic { get; set; }

    /// <summary>Gets or sets where the cluster records grain activations. Default: <see cref="ClusterGrainDirectory.Distributed"/>.</summary>
    /// <remarks>
    /// Distributed because a silo's death must cost only that silo's cohorts: with the classic directory it also
    /// reactivated grains on the surviving silos (docs/scale-out.md, "Grain directory").
    /// </remarks>
    public ClusterGrainDirectory GrainDirectory { get; set; } = ClusterGrainDirectory.Distributed;

    /// <summary>
    /// Gets or sets how long the distributed directory refuses new activations of the grains a dead silo held, counted
    /// from the silo's estimated failure. Default: 30 seconds (Orleans' default). Used with
    /// <see cref="ClusterGrainDirectory.Distributed"/> only.
    /// </summary>
    /// <remarks>
    /// The hold is Orleans' guarantee of a single activation: a silo declared dead that is in fact still running (cut
    /// off, paused) has this long to notice and stop before its grains are activated elsewhere. It is also the
    /// recovery time of the dead silo's grains (docs/scale-out.md, "Grain directory"); zero disables the hold.
    /// </remarks>
    public TimeSpan DirectoryLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long a silo waits for another silo's answer to a liveness probe. Default: 5 seconds (Orleans'
    /// default).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many probes in a row a silo may miss before its prober suspects it. Default: 3.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Gets or sets how many silos must suspect a silo before it is declared dead. Default: 2.</summary>
    /// <remarks>Orleans asks for fewer when fewer other silos are active.</remarks>
    public int VotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Gets or sets how often a silo writes its "I am alive" time to the membership table. Default: 30 seconds.</summary>
    public TimeSpan IAmAlivePublishPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a silo rereads the membership table. Default: 60 seconds.</summary>
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets whether to detect failed silos within seconds instead of the defaults' tens of seconds: the probe
    /// timeout becomes 1 second, 2 missed probes suspect a silo, votes expire after 10 seconds, and the table is
    /// published and reread every 2 seconds. Default: <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Meant for tests and for a cluster on one machine: on a loaded machine or a slow network it declares live silos
    /// dead. When set it wins over <see cref="ProbeTimeout"/>, <see cref="MissedProbesLimit"/>,
    /// <see cref="IAmAlivePublishPeriod"/> and <see cref="TableRefreshPeriod"/>.
    /// </remarks>
    public bool FastFailureDetection { get; set; }
}
