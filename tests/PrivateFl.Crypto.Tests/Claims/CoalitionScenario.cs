using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// A round attacked by a coalition of the server and <see cref="Corrupted"/> banks (at most C = ⌊γn⌋ of them, γ as
/// the parameters assume). <see cref="DropStage"/> gives each bank's dropout stage (0 = AdvertiseKeys … 5 = Expel, or
/// <see cref="Never"/>); <see cref="GarbageDealer"/>, when set, is a corrupted bank that deals well-formed garbage to
/// <see cref="GarbageVictims"/>, so that complaints (and their disclosed share keys) are in the coalition's view;
/// <see cref="SplitDealer"/>, when set, is a corrupted bank that deals shares of its committed b_w to
/// <see cref="FirstPolynomialHolders"/> and of another seed to the rest, so that the expulsion path (evidence, pair points
/// with the culprit) runs.
/// </summary>
public sealed record CoalitionScenario(
    int ClientCount,
    NeighbourGraphKind Graph,
    SecAggMode Mode,
    double CorruptedFraction,
    double DropoutRate,
    int[] Corrupted,
    int[] DropStage,
    int? GarbageDealer,
    int[] GarbageVictims,
    int? SplitDealer,
    int[] FirstPolynomialHolders,
    uint[][] Inputs,
    int Seed)
{
    public const int Never = int.MaxValue;

    public const int VectorLength = 4;

    public bool Sends(int client, int stage) => DropStage[client - 1] > stage;

    public bool IsCorrupted(int client) => Array.IndexOf(Corrupted, client) >= 0;

    /// <summary>The same round with x_u + Δ and x_v − Δ (mod 2^32): the sum of the inputs is unchanged.</summary>
    public CoalitionScenario Shifted(int u, int v, uint[] delta)
    {
        uint[][] inputs = [.. Inputs.Select(x => x.ToArray())];
        for (int i = 0; i < VectorLength; i++)
        {
            inputs[u - 1][i] += delta[i];
            inputs[v - 1][i] -= delta[i];
        }

        return this with { Inputs = inputs };
    }

    public override string ToString() =>
        $"n = {ClientCount}, {Graph}, {Mode}, γ = {CorruptedFraction}, δ = {DropoutRate}, seed {Seed}, corrupted [{string.Join(',', Corrupted)}], "
        + $"drops at [{string.Join(',', DropStage.Select(s => s == Never ? "-" : s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}], "
        + $"garbage dealer {GarbageDealer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} → [{string.Join(',', GarbageVictims)}], "
        + $"split dealer {SplitDealer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} (committed b to [{string.Join(',', FirstPolynomialHolders)}])";
}
