namespace PrivateFl.Cluster.Tests;

/// <summary>
/// Test classes that start server processes run one after another: with one-second liveness probes, nine silos at
/// once on two cores could starve one into being declared dead, which is not what those tests look at.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SiloProcessesRunInTurn
{
    public const string Name = "Silo processes";
}
