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
    public void Release_DpRoundSum_CommitsTheModelRoundAndLedgerOnceAndRecordsEpsilon()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionDefinition definition = TestSessions.Definition(maximumClients: 4, dp: DpModeKind.RecordLevel) with { SessionId = "dp-session" };
        SessionRuntime session = fixture.Registry.Create(definition, new double[definition.ModelLength])!;
        using RoundDriver round = Round(definition, number: 1);
        double[] update = [.. Enumerable.Range(0, definition.ModelLength).Select(i => (i - 3) * 0.05)];

        RoundOutcome outcome = fixture.Releaser.Release(session, round, Sum(definition, update, included: [1, 2, 4]));

        double epsilon = PrivacyPlan.EpsilonAfter(definition, 1);
        Assert.True(epsilon > 0);
        Assert.Equal((1L, 1L, epsilon), (outcome.RoundNumber, outcome.ModelVersion, outcome.EpsilonSpent));
        RoundRecordData record = Assert.Single(fixture.Store.ListRounds("dp-session"));
        Assert.Equal(RoundRecordData.Completed, record.Outcome);
        Assert.Equal(["bank-1", "bank-2", "bank-4"], record.Included);
        Assert.Equal(["bank-3"], record.Dropped);
        LedgerEntryData ledger = Assert.Single(fixture.Store.ListLedger("dp-session"));
        Assert.Equal(epsilon, ledger.EpsilonSpentTotal);
        ModelVersionRecord model = fixture.Store.LatestModel("dp-session");
        Assert.Equal(1, model.Version);
        double[] expected = ModelUpdater.Apply(new double[definition.ModelLength], [.. update.Select(u => 3 * u)], 3, definition.Training);
        Assert.All(model.Weights.Zip(expected), p => Assert.Equal(p.Second, p.First, 3));
        using JsonDocument privacy = JsonDocument.Parse(model.PrivacyJson);
        Assert.Equal(epsilon, privacy.RootElement.GetProperty("epsilon").GetDouble());
        Assert.Equal("RecordLevel", privacy.RootElement.GetProperty("mode").GetString());
        Assert.Equal(1, privacy.RootElement.GetProperty("releasedRounds").GetInt32());
        Assert.Equal(model.PrivacyJson, ledger.MechanismJson);
        Assert.Equal((epsilon, 1, StoredSession.Active), (session.EpsilonSpent, session.CompletedRounds, session.State));
    }

    [Fact]
    public void Release_SameRoundTwice_RefusedAndCommittedOnce()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);
        using RoundDriver round = Round(fixture.Definition, number: 1);
        AggregationResult sum = Sum(fixture.Definition, CoordinatorFixture.Delta(8, 0.5), included: [1, 2, 3, 4]);
        fixture.Releaser.Release(session, round, sum);

        Assert.Throws<InvalidOperationException>(() => fixture.Releaser.Release(session, round, sum));

        Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId));
        Assert.Single(fixture.Store.ListLedger(CoordinatorFixture.SessionId));
        Assert.Equal(1, fixture.Store.LatestModel(CoordinatorFixture.SessionId).Version);
        Assert.Equal(1, session.CompletedRounds);
    }

    [Fact]
    public void Release_SessionsLastRound_CompletesTheSession()
    {
        using var fixture = new CoordinatorFixture(clients: 4, totalRounds: 1);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);
        using RoundDriver round = Round(fixture.Definition, number: 1);

        fixture.Releaser.Release(session, round, Sum(fixture.Definition, CoordinatorFixture.Delta(8, 0.5), included: [1, 2, 3, 4]));

        Assert.Equal(StoredSession.Completed, session.State);
        Assert.Equal(StoredSession.Completed, fixture.Store.FindSession(CoordinatorFixture.SessionId)!.State);
    }

    [Fact]
    public void RecordAborted_Round_RecordsTheReasonAndReleasesNothing()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = fixture.Registry.Get(CoordinatorFixture.SessionId);
        using RoundDriver round = Round(fixture.Definition, number: 1);

        fixture.Releaser.RecordAborted(session, round, "too few");

        RoundRecordData record = Assert.Single(fixture.Store.ListRounds(CoordinatorFixture.SessionId));
        Assert.Equal((RoundRecordData.Aborted, "too few", (long?)null), (record.Outcome, record.AbortReason, record.ModelVersion));
        Assert.Equal(4, record.Dropped.Count);
        Assert.Empty(fixture.Store.ListLedger(CoordinatorFixture.SessionId));
        Assert.Equal((0L, 0), (session.Model.Version, session.CompletedRounds));
    }

    private static RoundDriver Round(SessionDefinition definition, long number)
    {
        int n = definition.MaximumClients;
        SecAggParameters parameters = TrainingCoordinator.CreateParameters(definition, n, new RoundIdentity(definition.SessionId, number, RandomNumberGenerator.GetBytes(RoundIdentity.GraphSeedSize)));
        string[] ids = [.. Enumerable.Range(1, n).Select(i => $"bank-{i}")];
        var setup = new RoundSetup(definition.SessionId, number, new AggregationRound(parameters), ids, new Dictionary<int, RoundTicket>(), TimeSpan.FromSeconds(10), 0);
        return new RoundDriver(setup, new Lock(), TimeProvider.System, NullLogger.Instance, (_, _) => throw new InvalidOperationException(), (_, _) => { });
    }

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
