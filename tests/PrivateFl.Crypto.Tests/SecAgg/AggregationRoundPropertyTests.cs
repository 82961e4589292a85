using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

public sealed class AggregationRoundPropertyTests
{
    [Property(MaxTest = 60, Arbitrary = [typeof(RoundScenarios)])]
    public Property Run_RandomDropoutsAtEveryStage_MatchesPlainModel(RoundScenario scenario)
    {
        using var harness = new RoundHarness(scenario);
        (RoundStage? abortedAt, int[] included, uint[] sum) = PlainRoundModel.Expect(scenario, harness.Parameters);

        (AggregationResult? result, RoundAbortedException? abort) = harness.Run();

        bool matches = abortedAt is null
            ? result is not null && result.IncludedClients.SequenceEqual(included) && result.Sum.Span.SequenceEqual(sum)
                && included.SequenceEqual(harness.SentMaskedInput)
            : abort is not null && abort.Stage == abortedAt && harness.Server.Stage == RoundStage.Aborted;
        return matches.Label($"{scenario}; {harness.Parameters}; model aborts at {abortedAt?.ToString() ?? "never"}, round {(abort is null ? "completed" : $"aborted at {abort.Stage}: {abort.Message}")}")
            .Classify(abortedAt is null, "completed")
            .Classify(scenario.DropStage.Any(s => s != RoundScenario.Never), "with dropouts");
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(RoundScenarios)])]
    public bool Run_AnyScenario_NeverReconstructsBothSecretsOfOneClient(RoundScenario scenario)
    {
        using var harness = new RoundHarness(scenario);

        harness.Run();

        var clients = harness.Server.ReconstructedSecrets.Select(s => s.Client).ToList();
        return clients.Count == clients.Distinct().Count();
    }

    [Property(MaxTest = 40)]
    public Property Close_TooFewLeftAtAStage_AbortsWithReasonAndRevealsNothing(PositiveInt sizeChoice, PositiveInt stageChoice, bool active, bool sparse, int seed)
    {
        int n = 4 + (sizeChoice.Get % 30);
        SecAggMode mode = active ? SecAggMode.Active : SecAggMode.SemiHonest;
        int stage = stageChoice.Get % (active ? 5 : 4);
        if (!active && stage == 3)
        {
            stage = 4;
        }

        SecAggParameters parameters = RoundHarness.CreateParameters(n, 16, sparse ? NeighbourGraphKind.Harary : NeighbourGraphKind.Complete, mode, seed);

        // Everybody but t − 1 clients drops at the chosen stage: no client can keep t live neighbours.
        int[] dropStage = [.. Enumerable.Range(0, n).Select(i => i < parameters.Threshold - 1 ? RoundScenario.Never : stage)];
        var random = new DeterministicRandom(seed);
        var scenario = new RoundScenario(n, 16, parameters.GraphKind, mode, dropStage, [.. Enumerable.Range(0, n).Select(_ => random.NextWords(16))], seed);
        using var harness = new RoundHarness(scenario);

        (AggregationResult? result, RoundAbortedException? abort) = harness.Run();

        bool endedCleanly = Assert.Throws<SecAggProtocolException>(() => harness.Server.CloseUnmask()).Violation == SecAggViolation.RoundEnded;
        return (result is null && abort is not null && (int)abort.Stage == stage && abort.Message.Contains("threshold", StringComparison.OrdinalIgnoreCase)
                && harness.Server.AbortReason == abort.Message && harness.Server.ReconstructedSecrets.Count == 0 && endedCleanly)
            .Label($"n = {n}, t = {parameters.Threshold}, stage {stage}: {abort?.Stage}: {abort?.Message}");
    }
}
