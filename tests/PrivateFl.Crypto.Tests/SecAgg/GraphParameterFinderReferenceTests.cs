using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// Every row of the feasible-instance table of Google's <c>HararyGraphParameterFinder</c> test
/// (google-parfait/federated-compute, <c>fcp/secagg/server/graph_parameter_finder_test.cc</c> at commit
/// bdbd822af00fb45b21a8364d40d62ca1eba4e27a, 2026-06-11; σ = 40, η = 20), reproduced by this analysis.
/// </summary>
public sealed class GraphParameterFinderReferenceTests
{
    /// <summary>The reference's adversary classes: CURIOUS_SERVER, SEMI_MALICIOUS_SERVER and NONE (γ = 0).</summary>
    public enum Adversary
    {
        Curious,
        SemiMalicious,
        None,
    }

    /// <summary>(n, γ, δ, adversary class, k, t) exactly as the reference table lists them, all 98 rows.</summary>
    public static TheoryData<int, double, double, Adversary, int, int> ReferenceTable => new()
    {
        { 100, 0.45, 0.45, Adversary.Curious, 92, 46 },
        { 1_000, 0.45, 0.45, Adversary.Curious, 822, 417 },
        { 10_000, 0.45, 0.45, Adversary.Curious, 3494, 1771 },
        { 100_000, 0.45, 0.45, Adversary.Curious, 5508, 2788 },
        { 1_000_000, 0.45, 0.45, Adversary.Curious, 6240, 3156 },
        { 10, 0.33, 0.33, Adversary.Curious, 8, 4 },
        { 100, 0.33, 0.33, Adversary.Curious, 68, 34 },
        { 1_000, 0.33, 0.33, Adversary.Curious, 286, 150 },
        { 10_000, 0.33, 0.33, Adversary.Curious, 422, 221 },
        { 100_000, 0.33, 0.33, Adversary.Curious, 480, 251 },
        { 1_000_000, 0.33, 0.33, Adversary.Curious, 518, 270 },
        { 100, 0.3, 0.3, Adversary.SemiMalicious, 92, 62 },
        { 1_000, 0.3, 0.3, Adversary.SemiMalicious, 872, 584 },
        { 10_000, 0.3, 0.3, Adversary.SemiMalicious, 4822, 3230 },
        { 100_000, 0.3, 0.3, Adversary.SemiMalicious, 9388, 6286 },
        { 1_000_000, 0.3, 0.3, Adversary.SemiMalicious, 11136, 7454 },
        { 10, 0.05, 0.33, Adversary.Curious, 4, 2 },
        { 100, 0.05, 0.33, Adversary.Curious, 28, 6 },
        { 1_000, 0.05, 0.33, Adversary.Curious, 72, 24 },
        { 10_000, 0.05, 0.33, Adversary.Curious, 86, 29 },
        { 100_000, 0.05, 0.33, Adversary.Curious, 96, 32 },
        { 1_000_000, 0.05, 0.33, Adversary.Curious, 102, 34 },
        { 10, 0.05, 0.33, Adversary.SemiMalicious, 8, 5 },
        { 100, 0.05, 0.33, Adversary.SemiMalicious, 72, 39 },
        { 1_000, 0.05, 0.33, Adversary.SemiMalicious, 398, 223 },
        { 10_000, 0.05, 0.33, Adversary.SemiMalicious, 746, 420 },
        { 100_000, 0.05, 0.33, Adversary.SemiMalicious, 882, 496 },
        { 1_000_000, 0.05, 0.33, Adversary.SemiMalicious, 970, 545 },
        { 10, 0.33, 0.05, Adversary.Curious, 4, 4 },
        { 100, 0.33, 0.05, Adversary.Curious, 34, 29 },
        { 1_000, 0.33, 0.05, Adversary.Curious, 78, 60 },
        { 10_000, 0.33, 0.05, Adversary.Curious, 92, 70 },
        { 100_000, 0.33, 0.05, Adversary.Curious, 102, 77 },
        { 1_000_000, 0.33, 0.05, Adversary.Curious, 110, 83 },
        { 10, 0.33, 0.05, Adversary.SemiMalicious, 4, 4 },
        { 100, 0.33, 0.05, Adversary.SemiMalicious, 42, 37 },
        { 1_000, 0.33, 0.05, Adversary.SemiMalicious, 132, 109 },
        { 10_000, 0.33, 0.05, Adversary.SemiMalicious, 178, 146 },
        { 100_000, 0.33, 0.05, Adversary.SemiMalicious, 196, 160 },
        { 1_000_000, 0.33, 0.05, Adversary.SemiMalicious, 212, 173 },
        { 10, 0.05, 0.05, Adversary.Curious, 2, 2 },
        { 100, 0.05, 0.05, Adversary.Curious, 12, 6 },
        { 1_000, 0.05, 0.05, Adversary.Curious, 30, 17 },
        { 10_000, 0.05, 0.05, Adversary.Curious, 34, 20 },
        { 100_000, 0.05, 0.05, Adversary.Curious, 36, 21 },
        { 1_000_000, 0.05, 0.05, Adversary.Curious, 38, 22 },
        { 10, 0.05, 0.05, Adversary.SemiMalicious, 2, 2 },
        { 100, 0.05, 0.05, Adversary.SemiMalicious, 16, 11 },
        { 1_000, 0.05, 0.05, Adversary.SemiMalicious, 52, 37 },
        { 10_000, 0.05, 0.05, Adversary.SemiMalicious, 62, 44 },
        { 100_000, 0.05, 0.05, Adversary.SemiMalicious, 68, 48 },
        { 1_000_000, 0.05, 0.05, Adversary.SemiMalicious, 74, 52 },
        { 10, 0.33, 0.0, Adversary.Curious, 4, 4 },
        { 100, 0.33, 0.0, Adversary.Curious, 26, 25 },
        { 1_000, 0.33, 0.0, Adversary.Curious, 38, 36 },
        { 10_000, 0.33, 0.0, Adversary.Curious, 42, 40 },
        { 100_000, 0.33, 0.0, Adversary.Curious, 46, 44 },
        { 1_000_000, 0.33, 0.0, Adversary.Curious, 50, 47 },
        { 10, 0.33, 0.0, Adversary.SemiMalicious, 4, 4 },
        { 100, 0.33, 0.0, Adversary.SemiMalicious, 26, 26 },
        { 1_000, 0.33, 0.0, Adversary.SemiMalicious, 38, 37 },
        { 10_000, 0.33, 0.0, Adversary.SemiMalicious, 42, 41 },
        { 100_000, 0.33, 0.0, Adversary.SemiMalicious, 46, 45 },
        { 1_000_000, 0.33, 0.0, Adversary.SemiMalicious, 50, 49 },
        { 10, 0.0, 0.33, Adversary.Curious, 4, 2 },
        { 100, 0.0, 0.33, Adversary.Curious, 26, 2 },
        { 1_000, 0.0, 0.33, Adversary.Curious, 38, 2 },
        { 10_000, 0.0, 0.33, Adversary.Curious, 42, 2 },
        { 100_000, 0.0, 0.33, Adversary.Curious, 46, 2 },
        { 1_000_000, 0.0, 0.33, Adversary.Curious, 50, 2 },
        { 10, 0.0, 0.33, Adversary.None, 4, 2 },
        { 100, 0.0, 0.33, Adversary.None, 26, 2 },
        { 1_000, 0.0, 0.33, Adversary.None, 38, 2 },
        { 10_000, 0.0, 0.33, Adversary.None, 42, 2 },
        { 100_000, 0.0, 0.33, Adversary.None, 46, 2 },
        { 1_000_000, 0.0, 0.33, Adversary.None, 50, 2 },
        { 10, 0.0, 0.33, Adversary.SemiMalicious, 8, 5 },
        { 100, 0.0, 0.33, Adversary.SemiMalicious, 68, 35 },
        { 1_000, 0.0, 0.33, Adversary.SemiMalicious, 228, 115 },
        { 10_000, 0.0, 0.33, Adversary.SemiMalicious, 326, 164 },
        { 100_000, 0.0, 0.33, Adversary.SemiMalicious, 372, 187 },
        { 1_000_000, 0.0, 0.33, Adversary.SemiMalicious, 410, 206 },
        { 10, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 100, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 1_000, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 10_000, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 100_000, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 1_000_000, 0.0, 0.0, Adversary.Curious, 2, 2 },
        { 1_000, 0.0, 0.0, Adversary.None, 2, 2 },
        { 10_000, 0.0, 0.0, Adversary.None, 2, 2 },
        { 100_000, 0.0, 0.0, Adversary.None, 2, 2 },
        { 1_000_000, 0.0, 0.0, Adversary.None, 2, 2 },
        { 10, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
        { 100, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
        { 1_000, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
        { 10_000, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
        { 100_000, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
        { 1_000_000, 0.0, 0.0, Adversary.SemiMalicious, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(ReferenceTable))]
    public void FindHarary_ReferenceRow_GivesTheReferenceDegreeAndThresholdOrAMoreConservativeOne(int n, double corrupted, double dropout, Adversary adversary, int degree, int threshold)
    {
        bool active = adversary == Adversary.SemiMalicious;

        (int Degree, int Threshold)? found = GraphParameterAnalysis.FindHarary(n, corrupted, dropout, active, 40, 20);

        if (IsClampDeviation(n, corrupted, dropout, adversary))
        {
            // The reference tests t_min ≤ t_max before clamping t to 2, so at n = 10, δ = 0.33, k = 4 it returns t = 2
            // although t_max = 1 there (a client keeps one surviving neighbour with probability 7/210 ≫ 2^−20/10).
            // This analysis clamps first and moves on to k = 6, where t_max = 3 (specs/protocol.md §2.3).
            Assert.Equal(1, GraphParameterAnalysis.MaximumThreshold(n, degree, dropout, 20));
            Assert.Equal((6, 2), found);
            return;
        }

        Assert.Equal((degree, threshold), found);
    }

    [Fact]
    public void ReferenceTable_HasEveryRowOfTheSource()
    {
        Assert.Equal(98, ReferenceTable.Count);
        Assert.Equal(3, ReferenceTable.Count(row => IsClampDeviation((int)row[0], (double)row[1], (double)row[2], (Adversary)row[3])));
    }

    /// <summary>The only rows where the reference's answer breaks its own correctness bound: t = 2 &gt; t_max = 1.</summary>
    private static bool IsClampDeviation(int n, double corrupted, double dropout, Adversary adversary) =>
        n == 10 && dropout == 0.33 && corrupted is 0.0 or 0.05 && adversary != Adversary.SemiMalicious;
}
