namespace PrivateFl.Cluster;

/// <summary>What a silo reports about itself to <see cref="ISiloProbeGrain.ProbeAsync"/>.</summary>
/// <param name="SiloAddress">The silo's address as Orleans prints it (<c>S127.0.0.1:11111:…</c>, with its generation).</param>
/// <param name="SiloName">The silo's configured name.</param>
/// <param name="ClusterId">The cluster the silo belongs to.</param>
/// <param name="ActiveSilos">How many silos this silo's membership view holds as active, itself included.</param>
/// <param name="ActivationId">
/// Identifies the activation that answered: a new value means the grain was deactivated and activated again, its
/// in-memory state lost (how a silo failure's collateral losses are counted, docs/scale-out.md).
/// </param>
[GenerateSerializer]
[Alias("privatefl.SiloProbeReply")]
[Immutable]
public sealed record SiloProbeReply(
    [property: Id(0)] string SiloAddress,
    [property: Id(1)] string SiloName,
    [property: Id(2)] string ClusterId,
    [property: Id(3)] int ActiveSilos,
    [property: Id(4)] Guid ActivationId);
