using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/api.md, "Updates": the server adds η_s · ΣΔ / (q·|U3|) (federated averaging) and applies
/// w ← w − η_s · Σg / (|U3| · batch_size) (gradient sum), public denominators (docs/claims.md A17). Checked end to end
/// through a real round against the formula computed here from the banks' plain updates.
/// </summary>
public sealed class ModelUpdateClaimsTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    [InlineData(true, 5)]
    [InlineData(true, 6)]
    public async Task Round_OneBankDropsBeforeMaskedInput_NextModelIsTheSpecsStepOverTheSurvivors(bool gradientSum, int seed)
    {
        AggregationRuleKind rule = gradientSum ? AggregationRuleKind.GradientSum : AggregationRuleKind.FederatedAveraging;
        const int n = 5;
        const int d = 8;
        var random = new Random(seed);
        using var fixture = new CoordinatorFixture(clients: n);
        double serverRate = 0.25 + (random.NextDouble() * 1.75);
        double samplingRate = 0.1 + (random.NextDouble() * 0.9);
        int batch = new[] { 16, 32, 64 }[random.Next(3)];
        TrainingPlanData plan = fixture.Definition.Training with { Rule = rule, ServerLearningRate = serverRate, SamplingRate = samplingRate, BatchSize = batch };
        SessionDefinition definition = ClaimsSession.Define(fixture, $"a17-{rule}", n, fixture.Definition.SecAgg, fixture.Definition.Privacy, plan);
        double[] initial = [.. Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5)];
        double magnitude = rule == AggregationRuleKind.GradientSum ? 5 : 0.3;
        double[][] updates = [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => magnitude * (0.15 + (0.85 * random.NextDouble()))).ToArray())];
        var session = new ClaimsSession(fixture, definition, initial);
        string[] ids = [.. fixture.ClientIds];
        int droppedIndex = 0;

        (RoundTicket[] tickets, Dictionary<string, Task<RoundOutcome?>> clients) = await session.RunRoundAsync(ids, (_, i) => updates[i], _ =>
        {
            droppedIndex = 1 + random.Next(n);
            return new HashSet<int> { droppedIndex };
        });

        int[] survivors = [.. Enumerable.Range(0, n).Where(i => tickets[i].Index != droppedIndex)];
        Assert.All(survivors, i => Assert.Equal(1, clients[ids[i]].Result!.ModelVersion));
        double[] expected = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = survivors.Sum(i => updates[i][j]);
            expected[j] = rule == AggregationRuleKind.GradientSum
                ? initial[j] - (serverRate * sum / (survivors.Length * batch))
                : initial[j] + (serverRate * sum / (samplingRate * survivors.Length));
        }

        // Stochastic rounding moves each bank's coordinate by less than one unit of 1/s.
        double scale = rule == AggregationRuleKind.GradientSum ? serverRate / (survivors.Length * batch) : serverRate / (samplingRate * survivors.Length);
        double tolerance = scale * survivors.Length / plan.QuantizationScale;
        double[] released = fixture.Store.LatestModel(session.SessionId).Weights;
        for (int j = 0; j < d; j++)
        {
            Assert.True(Math.Abs(released[j] - expected[j]) <= tolerance, $"weight {j}: released {released[j]:R}, expected {expected[j]:R} ± {tolerance:G3}");
        }
    }
}
