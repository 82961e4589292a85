namespace PrivateFl.Server.Coordination;

/// <summary>Turns the decoded sum of a round into the next model's weights.</summary>
internal static class ModelUpdater
{
    /// <summary>
    /// Federated averaging: w' = w + η_s · Σ Δ_u / |U|. Gradient sum: w' = w − η_s · Σ g / (|U| · b), b the
    /// plan's batch size, a public denominator (a private row count would leak).
    /// </summary>
    public static double[] Apply(double[] weights, ReadOnlySpan<double> decodedSum, int included, TrainingPlanData plan)
    {
        double[] next = (double[])weights.Clone();
        double scale = plan.Rule == AggregationRuleKind.GradientSum
            ? -plan.ServerLearningRate / ((double)included * plan.BatchSize)
            : plan.ServerLearningRate / included;
        for (int i = 0; i < next.Length; i++)
        {
            next[i] += scale * decodedSum[i];
        }

        return next;
    }
}
