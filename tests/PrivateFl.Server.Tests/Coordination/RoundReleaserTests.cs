using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="RoundReleaser"/>: decodes a sum into the next model, records ε and commits once.</summary>
public sealed class RoundReleaserTests
{
    [Fact]
    public async Task Release_DpRoundSum_CommitsTheModelRoundAndLedgerOnceAndRecordsEpsilon()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionDefinition definition = TestSessions.Definition(maximumClients: 4, dp: DpModeKind.RecordLevel) with { SessionId = "dp-session" };
        SessionRuntime session = (await fixture.Registry.CreateAsync(definition, new double[definition.ModelLength], CancellationToken.None))!;
        using RoundMaster round = await ReservedRoundAsync(fixture, session, number: 1);
        double[] update = [.. Enumerable.Range(0, definition.ModelLength).Select(i => (i - 3) * 0.05)];

        RoundRelease outcome = await fixture.Releaser.ReleaseAsync(session, round, Released(round, Sum(definition, update, included: [1, 2, 4])));

        double epsilon = PrivacyPlan.EpsilonAfter(definition, 1);
        Assert.True(epsilon > 0);
        Assert.Equal((1L, epsilon), (outcome.ModelVersion, outcome.EpsilonSpent));
        RoundRecordData record = Assert.Single((await fixture.Store.ListRoundsAsync("dp-session", CancellationToken.None)));
        Assert.Equal(RoundOutcomeKind.Completed, record.Outcome);
        Assert.Equal(["bank-1", "bank-2", "bank-4"], record.Included);
        Assert.Equal(["bank-3"], record.Dropped);
        LedgerEntryData ledger = Assert.Single((await fixture.Store.ListLedgerAsync("dp-session", CancellationToken.None)));
        Assert.Equal(epsilon, ledger.EpsilonSpentTotal);
        ModelVersionRecord model = (await fixture.Store.FindLatestModelAsync("dp-session", CancellationToken.None))!;
        Assert.Equal(1, model.Version);
        double[] expected = ModelUpdater.Apply(new double[definition.ModelLength], [.. update.Select(u => 3 * u)], 3, definition.Training);
        Assert.All(model.Weights.Zip(expected), p => Assert.Equal(p.Second, p.First, 3));
        using JsonDocument privacy = JsonDocument.Parse(model.PrivacyJson);
        Assert.Equal(epsilon, privacy.RootElement.GetProperty("epsilon").GetDouble());
        Assert.Equal("RecordLevel", privacy.RootElement.GetProperty("mode").GetString());
        Assert.Equal(1, privacy.RootElement.GetProperty("releasedRounds").GetInt32());
        Assert.Equal(model.PrivacyJson, ledger.MechanismJson);
        Assert.Equal((epsilon, 1, SessionState.Active), (session.EpsilonSpent, session.CompletedRounds, session.State));
    }

    [Fact]
    public async Task Release_SameRoundTwice_RefusedAndCommittedOnce()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        using RoundMaster round = await ReservedRoundAsync(fixture, session, number: 1);
        AggregationResult sum = Sum(fixture.Definition, CoordinatorFixture.Delta(8, 0.5), included: [1, 2, 3, 4]);
        await fixture.Releaser.ReleaseAsync(session, round, Released(round, sum));

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Releaser.ReleaseAsync(session, round, Released(round, sum)));

        Assert.Single((await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
        Assert.Single((await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
        Assert.Equal(1, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
        Assert.Equal(1, session.CompletedRounds);
    }

    [Fact]
    public async Task Release_SessionsLastRound_CompletesTheSession()
    {
        using var fixture = new CoordinatorFixture(clients: 4, totalRounds: 1);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        using RoundMaster round = await ReservedRoundAsync(fixture, session, number: 1);

        await fixture.Releaser.ReleaseAsync(session, round, Released(round, Sum(fixture.Definition, CoordinatorFixture.Delta(8, 0.5), included: [1, 2, 3, 4])));

        Assert.Equal(SessionState.Completed, session.State);
        Assert.Equal(SessionState.Completed, (await fixture.Store.FindSessionAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task RecordAborted_Round_RecordsTheReasonAndReleasesNothing()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        using RoundMaster round = Round(fixture, session, number: 1);

        await fixture.Releaser.RecordAbortedAsync(session, round, "too few");

        RoundRecordData record = Assert.Single((await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
        Assert.Equal((RoundOutcomeKind.Aborted, "too few", (long?)null), (record.Outcome, record.AbortReason, record.ModelVersion));
        Assert.Equal(4, record.Dropped.Count);
        Assert.Empty((await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
        Assert.Equal((0L, 0), (session.Model.Version, session.CompletedRounds));
    }

    [Fact]
    public async Task Release_WithoutABudgetReservation_Refused()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        using RoundMaster round = Round(fixture, session, number: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Releaser.ReleaseAsync(session, round, Released(round, Sum(fixture.Definition, CoordinatorFixture.Delta(8, 0.5), included: [1, 2, 3, 4]))));

        Assert.Empty(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
    }

    // A one-cohort round of the session's most clients, whose budget reservation goes to the fixture's store.
    private static RoundMaster Round(CoordinatorFixture fixture, SessionRuntime session, long number)
    {
        SessionDefinition definition = session.Definition;
        int n = definition.MaximumClients;
        SecAggParameters parameters = TrainingCoordinator.CreateParameters(definition, n, new RoundIdentity(definition.SessionId, number, RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize)));
        string[] ids = [.. Enumerable.Range(1, n).Select(i => $"bank-{i}")];
        var setup = new RoundSetup(definition.SessionId, number, new AggregationRound(parameters), ids, new Dictionary<int, RoundTicket>(), TimeSpan.FromSeconds(10), 0);
        return new RoundMaster(
            [setup],
            1,
            session.Gate,
            (s, release, aborted, before) => new RoundDriver(s, session.Gate, TimeProvider.System, NullLogger.Instance, release, aborted, before),
            master => fixture.Registry.ReserveBudgetAsync(session, master.Number, 0),
            (_, _) => throw new InvalidOperationException(),
            (_, _) => { });
    }

    private static async Task<RoundMaster> ReservedRoundAsync(CoordinatorFixture fixture, SessionRuntime session, long number)
    {
        RoundMaster round = Round(fixture, session, number);
        await round.ReserveBudgetAsync();
        return round;
    }

    private static CohortRelease[] Released(RoundMaster round, AggregationResult sum) => [new(round.Cohorts[0], sum)];

    // The sum the round would have unmasked: each included client's quantized update, with no noise.
    private static AggregationResult Sum(SessionDefinition definition, double[] update, int[] included)
    {
        var quantizer = UpdateEncoding.Quantizer(definition.Training, definition.MaximumClients);
        uint[] sum = new uint[definition.ModelLength];
        uint[] one = new uint[definition.ModelLength];
        foreach (int _ in included)
        {
            quantizer.Encode(update, one);
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] = unchecked(sum[j] + one[j]);
            }
        }

        return new AggregationResult(sum, included);
    }
}
