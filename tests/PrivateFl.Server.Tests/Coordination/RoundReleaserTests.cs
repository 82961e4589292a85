using System.Text.Json;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="RoundReleaser"/>: decodes each cohort's sum into the next model, records ε and commits once.</summary>
public sealed class RoundReleaserTests
{
    [Fact]
    public async Task Release_DpRoundSum_CommitsTheModelRoundAndLedgerOnceAndRecordsEpsilon()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionDefinition definition = TestSessions.Definition(maximumClients: 4, dp: DpModeKind.RecordLevel) with { SessionId = "dp-session" };
        SessionRuntime session = (await fixture.Registry.CreateAsync(definition, new double[definition.ModelLength], CancellationToken.None))!;
        double[] update = [.. Enumerable.Range(0, definition.ModelLength).Select(i => (i - 3) * 0.05)];

        (ModelVersionRecord model, bool last) = await fixture.Releaser.ReleaseAsync(definition, session.Model, 0, 1, 1, Report(Sum(definition, 0, 4, update, ["bank-1", "bank-2", "bank-4"])));

        double epsilon = PrivacyPlan.EpsilonAfter(definition, 1);
        Assert.True(epsilon > 0);
        Assert.Equal((1L, epsilon, false), (model.Version, model.EpsilonSpent, last));
        RoundRecordData record = Assert.Single(await fixture.Store.ListRoundsAsync("dp-session", CancellationToken.None));
        Assert.Equal(RoundOutcomeKind.Completed, record.Outcome);
        Assert.Equal(["bank-1", "bank-2", "bank-4"], record.Included);
        Assert.Equal(["bank-3"], record.Dropped);
        LedgerEntryData ledger = Assert.Single(await fixture.Store.ListLedgerAsync("dp-session", CancellationToken.None));
        Assert.Equal(epsilon, ledger.EpsilonSpentTotal);
        Assert.Equal(model, await fixture.Store.FindLatestModelAsync("dp-session", CancellationToken.None), ModelComparer.Instance);
        double[] expected = ModelUpdater.Apply(new double[definition.ModelLength], [.. update.Select(u => 3 * u)], 3, definition.Training);
        Assert.All(model.Weights.Zip(expected), p => Assert.Equal(p.Second, p.First, 3));
        using JsonDocument privacy = JsonDocument.Parse(model.PrivacyJson);
        Assert.Equal(epsilon, privacy.RootElement.GetProperty("epsilon").GetDouble());
        Assert.Equal("RecordLevel", privacy.RootElement.GetProperty("mode").GetString());
        Assert.Equal(1, privacy.RootElement.GetProperty("releasedRounds").GetInt32());
        Assert.Equal(model.PrivacyJson, ledger.MechanismJson);
    }

    [Fact]
    public async Task Release_TwoCohortsOfDifferentSizes_EachDecodedWithItsOwnQuantizerAndAdded()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        double[] update = CoordinatorFixture.Delta(8, 0.25);

        (ModelVersionRecord model, _) = await fixture.Releaser.ReleaseAsync(fixture.Definition, session.Model, 0, 1, 1, Report(Sum(fixture.Definition, 0, 3, update, ["a", "b", "c"]), Sum(fixture.Definition, 1, 5, update, ["d", "e", "f", "g", "h"])));

        // Eight banks sent the same update: their average is it, whatever each cohort's headroom.
        Assert.Equal(8, model.Contributors);
        Assert.All(model.Weights.Zip(update), p => Assert.Equal(p.Second, p.First, 4));
    }

    [Fact]
    public async Task Release_SameRoundTwice_RefusedAndCommittedOnce()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        FrontEndReport report = Report(Sum(fixture.Definition, 0, 4, CoordinatorFixture.Delta(8, 0.5), ["bank-1", "bank-2", "bank-3", "bank-4"]));
        (ModelVersionRecord released, _) = await fixture.Releaser.ReleaseAsync(fixture.Definition, session.Model, 0, 1, 1, report);

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Releaser.ReleaseAsync(fixture.Definition, released, 1, 1, 1, report));

        Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Single(await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal(1, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task Release_WithoutABudgetReservationOrWithoutASum_Refused()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        FrontEndReport report = Report(Sum(fixture.Definition, 0, 4, CoordinatorFixture.Delta(8, 0.5), ["bank-1", "bank-2", "bank-3", "bank-4"]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Releaser.ReleaseAsync(fixture.Definition, session.Model, 0, 0, 1, report));
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Releaser.ReleaseAsync(fixture.Definition, session.Model, 0, 1, 1, Report()));

        Assert.Empty(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
    }

    [Fact]
    public async Task Release_SessionsLastRound_CompletesTheSession()
    {
        using var fixture = new CoordinatorFixture(clients: 4, totalRounds: 1);
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);

        (_, bool last) = await fixture.Releaser.ReleaseAsync(fixture.Definition, session.Model, 0, 1, 1, Report(Sum(fixture.Definition, 0, 4, CoordinatorFixture.Delta(8, 0.5), ["bank-1", "bank-2", "bank-3", "bank-4"])));

        Assert.True(last);
        Assert.Equal(SessionState.Completed, (await fixture.Store.FindSessionAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task RecordAborted_Round_RecordsTheReasonAndReleasesNothing()
    {
        using var fixture = new CoordinatorFixture(clients: 4);

        await fixture.Releaser.RecordAbortedAsync(CoordinatorFixture.SessionId, 1, Report() with { Participants = ["bank-1", "bank-2", "bank-3", "bank-4"] }, "too few");

        RoundRecordData record = Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal((RoundOutcomeKind.Aborted, "too few", (long?)null), (record.Outcome, record.AbortReason, record.ModelVersion));
        Assert.Equal(4, record.Dropped.Count);
        Assert.Empty(await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal(0, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
    }

    private static FrontEndReport Report(params CohortSum[] sums) =>
        new("test", [.. sums.SelectMany(s => s.Included).Concat(sums.Length == 1 && sums[0].Participants > sums[0].Included.Length ? ["bank-3"] : [])], sums, [], [], [], 2, 2, 0);

    // The sum a cohort of n would have unmasked: each included client's quantized update, with no noise.
    private static CohortSum Sum(SessionDefinition definition, int cohort, int n, double[] update, string[] included)
    {
        var quantizer = UpdateEncoding.Quantizer(definition.Training, n);
        uint[] sum = new uint[definition.ModelLength];
        uint[] one = new uint[definition.ModelLength];
        foreach (string _ in included)
        {
            quantizer.Encode(update, one);
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] = unchecked(sum[j] + one[j]);
            }
        }

        return new CohortSum(cohort, n, 2, sum, included);
    }

    private sealed class ModelComparer : IEqualityComparer<ModelVersionRecord?>
    {
        public static readonly ModelComparer Instance = new();

        public bool Equals(ModelVersionRecord? x, ModelVersionRecord? y) =>
            x is not null && y is not null && x with { Weights = default } == y with { Weights = default } && x.Weights.SequenceEqual(y.Weights);

        public int GetHashCode(ModelVersionRecord? obj) => obj?.Version.GetHashCode() ?? 0;
    }
}
