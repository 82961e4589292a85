using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>A round without dropouts in which some banks misbehave; <see cref="Targets"/> are the neighbours they aim at.</summary>
public sealed record MisbehaviourScenario(int ClientCount, NeighbourGraphKind Graph, SecAggMode Mode, Misbehaving[] Behaviour, int[] Targets, bool ValidProof, uint[][] Inputs, int Seed)
{
    public const int VectorLength = 8;

    public RoundScenario Round => new(ClientCount, VectorLength, Graph, Mode, [.. Enumerable.Repeat(RoundScenario.Never, ClientCount)], Inputs, Seed);

    public Misbehaving Of(int client) => Behaviour[client - 1];

    public override string ToString() =>
        $"n = {ClientCount}, {Graph}, {Mode}, seed {Seed}, behaviour [{string.Join(',', Behaviour.Select(b => b.ToString()[0]))}], targets [{string.Join(',', Targets)}], valid proof {ValidProof}";
}
