using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// A random round: n clients with random inputs, a graph kind and a mode, and for each client the stage at
/// which it drops out (0 = AdvertiseKeys … 4 = Unmask) or <see cref="Never"/>.
/// </summary>
public sealed record RoundScenario(int ClientCount, int VectorLength, NeighbourGraphKind Graph, SecAggMode Mode, int[] DropStage, uint[][] Inputs, int Seed)
{
    public const int Never = int.MaxValue;

    public bool Sends(int client, int stage) => DropStage[client - 1] > stage;

    public override string ToString() =>
        $"n = {ClientCount}, d = {VectorLength}, {Graph}, {Mode}, seed {Seed}, drops at [{string.Join(',', DropStage.Select(s => s == Never ? "-" : s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
