namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// <see cref="CreditModel"/> for logistic regression, weights <c>[bias, w₁ … w_F]</c>. It forwards to
/// <see cref="LogisticRegression"/> and <see cref="LocalTrainer"/>, so its figures are exactly those of the scorecard.
/// </summary>
internal sealed class LogisticRegressionModel(FeatureSchema schema) : CreditModel(schema, ModelSpecification.LogisticRegression)
{
    public override int ParameterCount => Schema.EncodedLength + 1;

    private protected override int ScratchLength => 0;

    private protected override void InitializeCore(Span<double> weights)
    {
        // Zeros: the log loss is convex, so no symmetry needs breaking.
    }

    private protected override double LogOddsCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, Span<double> scratch) =>
        LogisticRegression.LogOdds(weights, features);

    private protected override double GradientCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, int label, Span<double> gradient, Span<double> scratch)
    {
        double z = LogisticRegression.LogOdds(weights, features);
        double residual = LogisticRegression.Sigmoid(z) - label;
        gradient[0] = residual;
        for (int j = 0; j < features.Length; j++)
        {
            gradient[j + 1] = residual * features[j];
        }

        return z;
    }

    private protected override bool IsBias(int index) => index == 0;

    private protected override double[] PredictProbabilitiesCore(ReadOnlySpan<double> weights, CreditDataset data) =>
        LogisticRegression.PredictProbabilities(weights, data);

    private protected override double[] PerExampleGradientSumCore(double[] weights, CreditDataset data, IReadOnlyList<int> rows, double clipNorm) =>
        LocalTrainer.PerExampleGradientSum(weights, data, rows, clipNorm);

    private protected override double[] TrainCore(double[] initialWeights, CreditDataset data, LocalTrainingOptions options) =>
        LocalTrainer.Train(initialWeights, data, options);
}
