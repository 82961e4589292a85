namespace PrivateFl.Cluster;

/// <summary>
/// Answers which silo it runs on and what that silo sees of the cluster: proof that a call reached a silo, and a
/// health check's view of the membership.
/// </summary>
/// <remarks>Any key works; each key is one activation, placed like any grain, so many keys spread over the silos.</remarks>
[Alias("privatefl.ISiloProbeGrain")]
public interface ISiloProbeGrain : IGrainWithStringKey
{
    /// <summary>Describes the silo that hosts this activation.</summary>
    /// <returns>The silo's address, name and view of the cluster.</returns>
    [Alias("Probe")]
    Task<SiloProbeReply> ProbeAsync();
}
