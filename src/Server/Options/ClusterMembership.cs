namespace PrivateFl.Server.Options;

/// <summary>How the server's Orleans silo finds the other silos (<see cref="ClusterHostingOptions.Membership"/>).</summary>
public enum ClusterMembership
{
    /// <summary>One silo in this process, alone in its cluster: no external service (the embedded default).</summary>
    InProcess = 0,

    /// <summary>
    /// Orleans ADO.NET clustering on PostgreSQL (<see cref="ClusterHostingOptions.ConnectionString"/>): every server
    /// process with the same <see cref="ClusterHostingOptions.ClusterId"/> on that database joins one cluster.
    /// </summary>
    Postgres = 1,
}
