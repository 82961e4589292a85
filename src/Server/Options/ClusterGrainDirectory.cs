namespace PrivateFl.Server.Options;

/// <summary>Where the cluster records which silo holds each grain activation (<see cref="ClusterHostingOptions.GrainDirectory"/>).</summary>
/// <remarks>The measurements behind the choice are in docs/scale-out.md, "Grain directory".</remarks>
public enum ClusterGrainDirectory
{
    /// <summary>
    /// Orleans' distributed directory (<c>AddDistributedGrainDirectory</c>, experimental in Orleans 10): ranges are
    /// handed over or recovered when membership changes, so a silo's death costs only its own grains, which come back
    /// after <see cref="ClusterHostingOptions.DirectoryLeaseDuration"/>. PrivateFl's default.
    /// </summary>
    Distributed = 0,

    /// <summary>
    /// Orleans' classic directory (its default), a hash ring without replication: a silo's death also loses the entries
    /// it held for grains on surviving silos, which are then activated a second time; the dead silo's grains come back
    /// within about a second of its death being declared.
    /// </summary>
    Classic = 1,
}
