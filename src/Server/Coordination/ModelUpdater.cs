namespace PrivateFl.Server.Coordination;

/// <summary>Turns the decoded sum of a round into the next model's weights.</summary>
internal static class ModelUpdater
{
    /// <summary>
    /// Federated averaging: w' = w + η_s · Σ Δ_u / (q·|U|), q the clients' secret self-sampling rate, so q·|U| is the
    /// expected number of real updates in the sum. Gradient sum: w' = w − η_s · Σ g / (|U| · b), b the plan's batch
    /// size. Both denominators are public (a private count would leak).
    /// </summary>
    public static double[] Apply(double[] weights, ReadOnlySpan<double> decodedSum, int included, TrainingPlanData plan)
    {
        double[] next = (double[])weights.Clone();
        double scale = plan.Rule == AggregationRuleKind.GradientSum
            ? -plan.ServerLearningRate / ((double)included * plan.BatchSize)
            : plan.ServerLearningRate / (plan.SamplingRate * included);
        for (int i = 0; i < next.Length; i++)
        {
            next[i] += scale * decodedSum[i];
        }

        return next;
    }
}
