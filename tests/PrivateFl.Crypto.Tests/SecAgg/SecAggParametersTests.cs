using System.Security.Cryptography;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

public sealed class SecAggParametersTests
{
    private static readonly RoundIdentity Round = new("session", 1, new byte[32]);

    // Pins from the independent analysis in Google's parameter finder (fcp/secagg/server/graph_parameter_finder_test.cc),
    // σ = 40, η = 20: (n, γ, δ, active) → (k, t).
    [Theory]
    [InlineData(100, 0.05, 0.05, false, 12, 6)]
    [InlineData(1000, 0.05, 0.05, false, 30, 17)]
    [InlineData(10_000, 0.05, 0.05, false, 34, 20)]
    [InlineData(100, 0.33, 0.33, false, 68, 34)]
    [InlineData(1000, 0.33, 0.33, false, 286, 150)]
    [InlineData(1000, 0.05, 0.33, false, 72, 24)]
    [InlineData(1000, 0.33, 0.05, false, 78, 60)]
    [InlineData(1000, 0.0, 0.33, false, 38, 2)]
    [InlineData(10, 0.33, 0.33, false, 8, 4)]
    public void SecAggPlus_PublishedSettings_DeriveTheReferenceDegreeAndThreshold(int n, double corrupted, double dropout, bool active, int degree, int threshold)
    {
        SecAggParameters parameters = SecAggParameters.SecAggPlus(n, 10, Round, active ? SecAggMode.Active : SecAggMode.SemiHonest, dropout, corrupted);

        Assert.Equal(NeighbourGraphKind.Harary, parameters.GraphKind);
        Assert.Equal(degree, parameters.Degree);
        Assert.Equal(threshold, parameters.Threshold);
    }

    // Issue 9 §2: these active settings used to give the reference's sparse (k, t) (still pinned for the analysis in
    // GraphParameterFinderReferenceTests); active mode now always takes the complete graph, t = ⌊(n − 1 + C)/2⌋ + 1.
    [Theory]
    [InlineData(100, 0.05, 0.05, 5)]
    [InlineData(1000, 0.05, 0.05, 50)]
    [InlineData(10_000, 0.05, 0.05, 500)]
    [InlineData(1000, 0.33, 0.05, 330)]
    [InlineData(1000, 0.0, 0.33, 0)]
    public void SecAggPlus_ActiveMode_GivesTheCompleteGraphWithTheActiveThreshold(int n, double corrupted, double dropout, int corruptedCount)
    {
        SecAggParameters parameters = SecAggParameters.SecAggPlus(n, 10, Round, SecAggMode.Active, dropout, corrupted);

        Assert.Equal(NeighbourGraphKind.Complete, parameters.GraphKind);
        Assert.Equal(n - 1, parameters.Degree);
        Assert.Equal(((n - 1 + corruptedCount) / 2) + 1, parameters.Threshold);
    }

    [Fact]
    public void SecAggPlus_ActiveModeWithSparseDegree_RefusedNamingRuleP9()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("degree", () => SecAggParameters.SecAggPlus(1000, 10, Round, SecAggMode.Active, 0.05, 0.05, degree: 52));

        Assert.Contains("Rule P9", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, 0.5, false)]
    [InlineData(0.33, 0.33, true)]
    public void SecAggPlus_TooManyBadClients_RefusedNamingRuleP3(double corrupted, double dropout, bool active)
    {
        var ex = Assert.Throws<ArgumentException>("corruptedFraction", () => SecAggParameters.SecAggPlus(1000, 10, Round, active ? SecAggMode.Active : SecAggMode.SemiHonest, dropout, corrupted));

        Assert.StartsWith("Rule P3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecAggPlus_SmallRound_FallsBackToCompleteGraph()
    {
        SecAggParameters parameters = SecAggParameters.SecAggPlus(4, 10, Round, SecAggMode.SemiHonest, dropoutRate: 0.3, corruptedFraction: 0.3);

        Assert.Equal(NeighbourGraphKind.Complete, parameters.GraphKind);
        Assert.Equal(3, parameters.Degree);
    }

    [Fact]
    public void SecAggPlus_DegreeBelowConnectivityBound_RefusedNamingRuleP5()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("degree", () => SecAggParameters.SecAggPlus(1000, 10, Round, SecAggMode.SemiHonest, 0.05, 0.05, degree: 10));

        Assert.Contains("Rule P5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecAggPlus_LargerDegreeOverride_IsAcceptedWithItsOwnThreshold()
    {
        SecAggParameters parameters = SecAggParameters.SecAggPlus(1000, 10, Round, SecAggMode.SemiHonest, 0.05, 0.05, degree: 40);

        Assert.Equal(40, parameters.Degree);
        Assert.InRange(parameters.Threshold, 2, 40);
    }

    [Fact]
    public void SecAggPlus_OddDegree_RefusedNamingRuleP4()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("degree", () => SecAggParameters.SecAggPlus(1000, 10, Round, degree: 41));

        Assert.Contains("Rule P4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(31)]
    public void SecAggPlus_ThresholdOutsideAnalysis_RefusedNamingRuleP6OrP7(int threshold)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("threshold", () => SecAggParameters.SecAggPlus(1000, 10, Round, SecAggMode.SemiHonest, 0.05, 0.05, threshold: threshold));

        Assert.Matches("Rule P[67]", ex.Message);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(0, 10)]
    public void Complete_FewerThanTwoClients_RefusedNamingRuleP1(int n, int d)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("participantCount", () => SecAggParameters.Complete(n, d, Round));

        Assert.Contains("Rule P1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ZeroLength_RefusedNamingRuleP2()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("vectorLength", () => SecAggParameters.Complete(10, 0, Round));

        Assert.Contains("Rule P2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ThresholdAboveNeighbours_RefusedNamingRuleP7()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>("threshold", () => SecAggParameters.Complete(10, 5, Round, threshold: 10));

        Assert.Contains("Rule P7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ActiveThresholdTooLowForGraph_RefusedNamingRuleP6()
    {
        // 2t > k + ⌊γn⌋ = 9 + 1: t = 5 would let a lying server collect both shares of one client.
        var ex = Assert.Throws<ArgumentOutOfRangeException>("threshold", () => SecAggParameters.Complete(10, 5, Round, SecAggMode.Active, dropoutRate: 0.1, corruptedFraction: 0.1, threshold: 5));

        Assert.Contains("Rule P6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_Defaults_TakeAMajorityThreshold()
    {
        SecAggParameters parameters = SecAggParameters.Complete(10, 5, Round);

        Assert.Equal(9, parameters.Degree);
        Assert.Equal(5, parameters.Threshold);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public void RoundIdentity_BadSessionId_RefusedNamingSessionId(string sessionId)
    {
        Assert.ThrowsAny<ArgumentException>(() => new RoundIdentity(sessionId, 0, new byte[32]));
    }

    [Fact]
    public void RoundIdentity_ShortGraphSeed_RefusedNamingGraphSeed()
    {
        Assert.Throws<ArgumentException>("graphSeed", () => new RoundIdentity("s", 0, new byte[31]));
    }

    [Fact]
    public void NeighbourGraph_SameRound_IsIdenticalForEveryPartyAndRegular()
    {
        var round = new RoundIdentity("session", 7, RandomNumberGenerator.GetBytes(32));
        SecAggParameters parameters = SecAggParameters.SecAggPlus(1000, 10, round, SecAggMode.SemiHonest, 0.05, 0.05);

        NeighbourGraph first = NeighbourGraph.Create(parameters);
        NeighbourGraph second = NeighbourGraph.Create(parameters);

        for (int u = 1; u <= 1000; u++)
        {
            IReadOnlyList<int> neighbours = first.NeighboursOf(u);
            Assert.Equal(neighbours, second.NeighboursOf(u));
            Assert.Equal(parameters.Degree, neighbours.Distinct().Count());
            Assert.DoesNotContain(u, neighbours);
            Assert.All(neighbours, v => Assert.True(first.AreNeighbours(v, u)));
        }
    }

    [Fact]
    public void NeighbourGraph_DifferentGraphSeeds_GiveDifferentGraphs()
    {
        SecAggParameters a = SecAggParameters.SecAggPlus(1000, 10, new RoundIdentity("s", 1, RandomNumberGenerator.GetBytes(32)));
        SecAggParameters b = SecAggParameters.SecAggPlus(1000, 10, new RoundIdentity("s", 1, RandomNumberGenerator.GetBytes(32)));

        Assert.NotEqual(NeighbourGraph.Create(a).NeighboursOf(1), NeighbourGraph.Create(b).NeighboursOf(1));
    }
}
