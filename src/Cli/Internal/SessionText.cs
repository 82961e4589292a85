using System.Globalization;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Cli.Internal;

/// <summary>A session's settings in words, for the tables.</summary>
internal static class SessionText
{
    public static string State(SessionInfo session) => session.SessionState switch
    {
        SessionState.Active => "active",
        SessionState.Completed => "completed",
        SessionState.BudgetExhausted => "budget exhausted",
        _ => "unknown",
    };

    public static string Privacy(SessionInfo session) => session.Privacy?.Mode switch
    {
        DpMode.RecordLevel or DpMode.ClientLevel => string.Create(
            CultureInfo.InvariantCulture,
            $"{(session.Privacy.Mode == DpMode.RecordLevel ? "record-level" : "client-level")} DP, ε {session.EpsilonSpent:G4} of {session.Privacy.EpsilonBudget:G4}, δ = {session.Privacy.Delta:G3}, σ = {session.Privacy.NoiseMultiplier:G4}"),
        _ => "no differential privacy",
    };

    public static string SecAgg(SessionInfo session) => session.SecAgg is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{(s.Mode == SecAggMode.Active ? "active" : "semi-honest")}, {(s.Graph == NeighbourGraphKind.Harary ? "Harary" : "complete")} graph, dropout rate {s.DropoutRate:G3}, corrupted fraction {s.CorruptedFraction:G3}")
        : "-";

    public static string Cohorts(SessionInfo session) => session.Cohorts is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"up to {c.CohortSize} banks per cohort, at least {c.MinimumCohortSize}; at least {Math.Max(1, c.MinimumCohorts)} {(c.MinimumCohorts > 1 ? "cohorts" : "cohort")} per round")
        : "one cohort per round";

    public static string Training(SessionInfo session) => session.Training is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"{(t.Rule == AggregationRule.GradientSum ? "gradient sum" : "federated averaging")}; batch {t.BatchSize}, {t.LocalEpochs} local epochs, learning rate {t.LearningRate:G4}, L2 {t.L2Regularisation:G3}, clip {t.ClipNorm:G4}, quantization {t.QuantizationScale:G6}, server step {t.ServerLearningRate:G4}, sampling {t.SamplingRate:G3}")
        : "-";
}
