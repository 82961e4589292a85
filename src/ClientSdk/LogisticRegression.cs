using MathNet.Numerics.LinearAlgebra;

namespace PrivateFl.ClientSdk;

/// <summary>
/// The model: logistic regression over a schema's encoded features, P(positive | x) = σ(w₀ + Σᵢ wᵢxᵢ).
/// Weights are laid out <c>[bias, w₁ … w_F]</c>, length F + 1 with F = <see cref="FeatureSchema.EncodedLength"/>.
/// </summary>
public static class LogisticRegression
{
    /// <summary>Creates the all-zero weights of a model over a schema (every prediction 0.5): the usual start of training.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>F + 1 zeros.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> is <see langword="null"/>.</exception>
    public static double[] CreateWeights(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new double[schema.EncodedLength + 1];
    }

    /// <summary>The logistic function σ(z) = 1 / (1 + e^−z), computed without overflow for any z.</summary>
    /// <param name="z">The log-odds.</param>
    /// <returns>σ(z) in [0, 1].</returns>
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1.0 + e);
    }

    /// <summary>Computes the log-odds of the positive class, w₀ + Σᵢ wᵢxᵢ, for one encoded row.</summary>
    /// <param name="weights">The F + 1 weights, bias first.</param>
    /// <param name="features">The F encoded features (see <see cref="CreditDataset.GetFeatures"/>).</param>
    /// <returns>The log-odds.</returns>
    /// <exception cref="ArgumentException">The lengths do not match (weights must be one longer than features).</exception>
    public static double LogOdds(ReadOnlySpan<double> weights, ReadOnlySpan<double> features)
    {
        if (weights.Length != features.Length + 1)
        {
            throw new ArgumentException($"A model over {features.Length} features has {features.Length + 1} weights (bias first); got {weights.Length}.", nameof(weights));
        }

        double z = weights[0];
        for (int i = 0; i < features.Length; i++)
        {
            z += weights[i + 1] * features[i];
        }

        return z;
    }

    /// <summary>Computes the probability of the positive class (for credit, of a default) for one encoded row.</summary>
    /// <param name="weights">The F + 1 weights, bias first.</param>
    /// <param name="features">The F encoded features.</param>
    /// <returns>The probability.</returns>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static double PredictProbability(ReadOnlySpan<double> weights, ReadOnlySpan<double> features) =>
        Sigmoid(LogOdds(weights, features));

    /// <summary>Computes the probability of the positive class for every row of a data set.</summary>
    /// <param name="weights">The F + 1 weights, bias first.</param>
    /// <param name="data">The data set.</param>
    /// <returns>One probability per row, in row order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the data's schema, or one is not finite.</exception>
    public static double[] PredictProbabilities(ReadOnlySpan<double> weights, CreditDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfInvalidWeights(weights, data.Schema);
        Vector<double> logOdds = data.Design * Vector<double>.Build.DenseOfArray(weights.ToArray());
        double[] probabilities = new double[data.RowCount];
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = Sigmoid(logOdds[i]);
        }

        return probabilities;
    }

    internal static void ThrowIfInvalidWeights(ReadOnlySpan<double> weights, FeatureSchema schema, string parameterName = "weights")
    {
        if (weights.Length != schema.EncodedLength + 1)
        {
            throw new ArgumentException(
                $"The schema '{schema.Name}' v{schema.Version} has {schema.EncodedLength} features, so a model has {schema.EncodedLength + 1} weights (bias first); got {weights.Length}.",
                parameterName);
        }

        foreach (double weight in weights)
        {
            if (!double.IsFinite(weight))
            {
                throw new ArgumentException("Every weight must be finite.", parameterName);
            }
        }
    }
}
