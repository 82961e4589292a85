using Orleans.Placement;
using PrivateFl.Cluster;

namespace PrivateFl.Server.Grains;

/// <summary>Reports the silo it was activated on and that silo's view of the cluster.</summary>
/// <remarks>Keeps no state: a new activation after a silo failure answers for its new silo.</remarks>
// Random placement so that many keys reach every silo, whatever the load statistics say.
[RandomPlacement]
internal sealed class SiloProbeGrain(ILocalSiloDetails silo, IClusterMembershipService membership) : Grain, ISiloProbeGrain
{
    private readonly Guid _activation = Guid.NewGuid();

    public Task<SiloProbeReply> ProbeAsync()
    {
        int active = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(new SiloProbeReply(silo.SiloAddress.ToParsableString(), silo.Name, silo.ClusterId, active, _activation));
    }
}
