using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// How a front end of a cluster splits its own banks (one cohort at least, <see cref="IRoundCoordination.CohortsToForm"/>),
/// against the session's cohort settings: every cohort at least the minimum size, and the session's minimum number of
/// cohorts whenever its banks suffice, so that its part of a round can release alone.
/// </summary>
public sealed class FrontEndCohortPlanTests
{
    [Theory]
    [InlineData(3, 1, 3)]
    [InlineData(4, 1, 4)]
    [InlineData(5, 1, 4)]
    [InlineData(6, 2, 6)]
    [InlineData(9, 3, 9)]
    [InlineData(12, 3, 12)]
    public void Size_OneCohortToForm_FormsTheSessionMinimumWhenItsBanksSuffice(int waiting, int cohorts, int take)
    {
        // Cohorts of up to 4, at least 3 banks each, at least 2 per round.
        SessionDefinition definition = Definition(new CohortSettingsData(4, 3, 2));

        (int Take, int Cohorts) plan = CohortPlan.Size(definition, waiting, minimumCohorts: 1);

        Assert.Equal((take, cohorts), plan);
        Assert.All(CohortPlan.Split([.. Enumerable.Range(0, plan.Take).Select(i => $"bank-{i}")], plan.Cohorts), c => Assert.InRange(c.Length, 3, 4));
    }

    [Fact]
    public void Size_TheSessionMinimumToForm_RefusesFewerBanksThanItsCohorts()
    {
        SessionDefinition definition = Definition(new CohortSettingsData(4, 3, 2));

        Assert.Throws<ArgumentOutOfRangeException>("waiting", () => CohortPlan.Size(definition, 5, minimumCohorts: 2));
        Assert.Equal((6, 2), CohortPlan.Size(definition, 6, minimumCohorts: 2));
    }

    private static SessionDefinition Definition(CohortSettingsData cohorts) => new(
        "plan",
        "test-schema",
        new string('a', 64),
        "logistic-regression",
        8,
        1,
        3,
        12,
        new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Harary, 0.3, 0, 40, 20),
        new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, 1 << 16, 1.0, 1.0),
        new PrivacySettingsData(DpModeKind.None, 0, 0, 0),
        0,
        Cohorts: cohorts);
}
