using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary>Session definitions and tickets for testing one coordination piece without a store.</summary>
internal static class TestSessions
{
    public static SessionDefinition Definition(int minimumClients = 3, int maximumClients = 5, DpModeKind dp = DpModeKind.None, int modelLength = 8) =>
        new(
            "unit-session",
            "test-schema",
            new string('a', 64),
            "logistic-regression",
            modelLength,
            5,
            minimumClients,
            maximumClients,
            new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Complete, 0.3, 0, 40, 20),
            new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, dp == DpModeKind.None ? 1.0 : 0.5),
            dp == DpModeKind.None ? new PrivacySettingsData(DpModeKind.None, 0, 0, 0) : new PrivacySettingsData(dp, 50, 1e-5, 1.0),
            0);

    public static RoundTicket Ticket(SessionDefinition definition, int index, int participants) =>
        new(
            definition,
            1,
            new byte[RoundIdentity.GraphSeedSize],
            index,
            [],
            TrainingCoordinator.CreateParameters(definition, participants, new RoundIdentity(definition.SessionId, 1, new byte[RoundIdentity.GraphSeedSize])),
            new ModelVersionRecord(definition.SessionId, 0, 0, [.. new double[definition.ModelLength]], 0, 0, 0, "{}", 0),
            TimeSpan.FromSeconds(10),
            0,
            0);
}
