namespace PrivateFl.Cluster.Tests;

/// <summary>
/// Test classes that start server processes, or drive thousands of banks through in-process silos, run one after
/// another: with one-second liveness probes, nine silos at once on two cores could starve one into being declared
/// dead, and the 2,000 banks of <see cref="ClusterRoundTests"/> beside three silo processes missed their stage deadlines
/// (observed: "Round 1 is not in progress" at the masked input), neither of which is what those tests look at.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SiloProcessesRunInTurn
{
    public const string Name = "Silo processes";
}
