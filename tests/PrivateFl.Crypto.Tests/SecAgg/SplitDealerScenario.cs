using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// A complete-graph round of n banks with threshold t in which each cheater deals its b_u from two polynomials: the
/// holders in <paramref name="FirstPolynomialHolders"/> get shares of the committed b_u, the others shares of another
/// seed. <paramref name="Forgery"/> says how the server forges an expulsion request in the refusal property.
/// </summary>
public sealed record SplitDealerScenario(int ClientCount, int Threshold, SecAggMode Mode, IReadOnlyDictionary<int, int[]> FirstPolynomialHolders, uint[][] Inputs, int Seed, EvidenceForgery Forgery)
{
    public const int VectorLength = 6;

    public override string ToString() =>
        $"n = {ClientCount}, t = {Threshold}, {Mode}, seed {Seed}, {Forgery}, cheaters {string.Join("; ", FirstPolynomialHolders.Select(c => $"{c.Key}: A = [{string.Join(',', c.Value)}]"))}";
}
