namespace PrivateFl.Server.Options;

/// <summary>Where the cluster records which silo holds each grain activation (<see cref="ClusterHostingOptions.GrainDirectory"/>).</summary>
public enum ClusterGrainDirectory
{
    /// <summary>
    /// Orleans' default directory, partitioned over the silos by a hash ring without replication: when a silo dies,
    /// the entries it held are lost, including those of activations on surviving silos.
    /// </summary>
    Default = 0,

    /// <summary>
    /// Orleans' distributed directory (<c>AddDistributedGrainDirectory</c>, experimental in Orleans 10): ranges are
    /// handed over between silos when membership changes, so activations on surviving silos keep their entries.
    /// </summary>
    Distributed = 1,
}
