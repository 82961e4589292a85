using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/privacy.md §2: "The server aborts a round that ends MaskedInput with fewer than m survivors" and §3 / SECURITY.md:
/// only completed rounds cost privacy (docs/claims.md V7, V13). The rounds run on a sparse SecAgg+ graph, where the
/// Shamir threshold t is far below m = max(t, ⌊(1 − δ)n⌋), so the per-neighbourhood threshold check passes and only
/// the m rule can stop the release.
/// </summary>
public sealed class MinimumSurvivorsClaimsTests
{
    /// <summary>
    /// Round 1 loses n − m + 1 clients before MaskedInput, chosen so that every client keeps at least t neighbours among
    /// the survivors (the SecAgg threshold holds everywhere) while |U3| = m − 1: the server aborts it naming m, releases
    /// no model and records no privacy spent. Round 2 loses n − m (|U3| = m): it completes, and the session's ε is that
    /// of one released round, as if the aborted round had not happened.
    /// </summary>
    [Theory]
    [InlineData(20, 0.05, 0.05, 101)]
    [InlineData(30, 0.05, 0.2, 202)]
    [InlineData(20, 0.1, 0.1, 303)]
    public async Task DpRound_SparseGraphWithThresholdNeighbourhoodsButFewerThanMSurvivors_AbortedWithNothingReleasedOrSpent(int n, double corrupted, double dropout, int seed)
    {
        using var fixture = new CoordinatorFixture(clients: n);
        SessionDefinition definition = ClaimsSession.Define(
            fixture,
            "v7-sparse-dp",
            n,
            new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Harary, dropout, corrupted, 40, 20),
            new PrivacySettingsData(DpModeKind.ClientLevel, 100, 1e-5, 1.0));
        var session = new ClaimsSession(fixture, definition);
        string[] ids = [.. fixture.ClientIds];
        var random = new Random(seed);
        int m = 0;
        int threshold = 0;

        (RoundTicket[] tickets, Dictionary<string, Task<RoundOutcome?>> clients) = await session.RunRoundAsync(ids, (_, _) => CoordinatorFixture.Delta(8, 0.01), parameters =>
        {
            threshold = parameters.Threshold;
            m = PrivacyPlan.MinimumSurvivors(definition, n, parameters.Threshold);
            return ThresholdKeepingDrop(parameters, n - m + 1, random);
        });

        Assert.Equal(NeighbourGraphKind.Harary, tickets[0].Parameters.GraphKind);
        Assert.True(threshold + 1 < m, $"t = {threshold} must be below m − 1 = {m - 1} for the m rule to be the only one that can abort.");
        string[] survivors = [.. ids.Where(id => clients[id].IsFaulted)];
        Assert.Equal(m - 1, survivors.Length);
        Assert.All(ids.Except(survivors), id => Assert.Null(clients[id].Result));
        foreach (string id in survivors)
        {
            CoordinatorException aborted = await Assert.ThrowsAsync<CoordinatorException>(() => clients[id]);
            Assert.Equal(CoordinatorErrorKind.Aborted, aborted.Kind);
            Assert.Contains($"{m - 1} clients survive", aborted.Message, StringComparison.Ordinal);
            Assert.Contains($"m = {m}", aborted.Message, StringComparison.Ordinal);
        }

        RoundRecordData abortedRecord = Assert.Single(fixture.Store.ListRounds(session.SessionId));
        Assert.Equal(RoundRecordData.Aborted, abortedRecord.Outcome);
        Assert.Empty(abortedRecord.Included);
        Assert.Equal(0, fixture.Store.LatestModel(session.SessionId).Version);
        Assert.Empty(fixture.Store.ListLedger(session.SessionId));
        Assert.Equal(0, fixture.Coordinator.Session(session.SessionId).EpsilonSpent);
        Assert.Equal(0, fixture.Coordinator.Session(session.SessionId).CompletedRounds);

        // The boundary: one survivor more, |U3| = m, and the round releases its sum.
        (_, clients) = await session.RunRoundAsync(ids, (_, _) => CoordinatorFixture.Delta(8, 0.01), parameters => ThresholdKeepingDrop(parameters, n - PrivacyPlan.MinimumSurvivors(definition, n, parameters.Threshold), random));

        RoundOutcome[] outcomes = [.. clients.Values.Where(c => c.Result is not null).Select(c => c.Result!)];
        Assert.All(outcomes, o => Assert.Equal(1, o.ModelVersion));
        Assert.Equal(m, Assert.Single(outcomes.Select(o => o.Included.Count).Distinct()));
        LedgerEntryData entry = Assert.Single(fixture.Store.ListLedger(session.SessionId));
        Assert.Equal(2, entry.RoundNumber);
        Assert.Equal(PrivacyPlan.EpsilonAfter(definition, 1), entry.EpsilonSpentTotal);
        Assert.True(entry.EpsilonSpentTotal < PrivacyPlan.EpsilonAfter(definition, 2));
        Assert.Equal([RoundRecordData.Aborted, RoundRecordData.Completed], fixture.Store.ListRounds(session.SessionId).Select(r => r.Outcome));
    }

    /// <summary>
    /// A random set of <paramref name="count"/> clients whose dropping leaves every client (dropped ones included: their
    /// s must be reconstructable) at least t neighbours among the others, so the SecAgg threshold check passes.
    /// </summary>
    private static HashSet<int> ThresholdKeepingDrop(SecAggParameters parameters, int count, Random random)
    {
        NeighbourGraph graph = NeighbourGraph.Create(parameters);
        int n = parameters.ParticipantCount;
        for (int attempt = 0; attempt < 100_000; attempt++)
        {
            var drop = Enumerable.Range(1, n).OrderBy(_ => random.Next()).Take(count).ToHashSet();
            if (Enumerable.Range(1, n).All(u => graph.NeighboursOf(u).Count(v => !drop.Contains(v)) >= parameters.Threshold))
            {
                return drop;
            }
        }

        throw new InvalidOperationException($"No set of {count} dropouts keeps t = {parameters.Threshold} live neighbours for everyone in {parameters}.");
    }
}
