namespace PrivateFl.ClientSdk;

/// <summary>Options of <see cref="LocalTrainer.Train"/>: L2-regularised gradient descent on the mean log loss.</summary>
public sealed class LocalTrainingOptions
{
    /// <summary>Gets or sets the number of passes over the data. Default: 200.</summary>
    public int Epochs { get; set; } = 200;

    /// <summary>Gets or sets the step size η of each update w ← w − η·∇. Default: 0.5.</summary>
    public double LearningRate { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets the number of rows per update, or <see langword="null"/> for full-batch gradient descent
    /// (one update per epoch over all rows). Default: <see langword="null"/>.
    /// </summary>
    public int? BatchSize { get; set; }

    /// <summary>
    /// Gets or sets λ, the strength of the L2 penalty (λ/2)·‖w₁…w_F‖² added to the mean log loss; the bias
    /// is not penalised. Default: 0.001.
    /// </summary>
    public double L2Regularization { get; set; } = 0.001;

    /// <summary>Gets or sets the seed of the mini-batch order; the same seed and data give the same weights. Default: 0.</summary>
    public int Seed { get; set; }

    internal void Validate(string parameterName)
    {
        if (Epochs < 1)
        {
            throw Invalid(parameterName, $"{nameof(LocalTrainingOptions)}.{nameof(Epochs)} must be at least 1; got {Epochs}.");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0)
        {
            throw Invalid(parameterName, $"{nameof(LocalTrainingOptions)}.{nameof(LearningRate)} must be positive and finite; got {LearningRate}.");
        }

        if (BatchSize is < 1)
        {
            throw Invalid(parameterName, $"{nameof(LocalTrainingOptions)}.{nameof(BatchSize)} must be at least 1, or null for full batch; got {BatchSize}.");
        }

        if (!double.IsFinite(L2Regularization) || L2Regularization < 0)
        {
            throw Invalid(parameterName, $"{nameof(LocalTrainingOptions)}.{nameof(L2Regularization)} must be zero or positive and finite; got {L2Regularization}.");
        }
    }

    private static ArgumentException Invalid(string parameterName, string message) => new(message, parameterName);
}
