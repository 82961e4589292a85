using PrivateFl.ClientSdk.Internal;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.ClientSdk;

/// <summary>
/// A model over a <see cref="FeatureSchema"/>'s encoded features: its parameter count, its initial weights, the local
/// update under each training rule and its prediction. The weights are a flat vector of <see cref="ParameterCount"/>
/// values, the vector that secure aggregation sums. Create one with <see cref="Create"/>; the implementations are
/// logistic regression and a multilayer perceptron (a new family is one subclass and one line in the registry).
/// </summary>
/// <remarks>
/// Both training rules of specs/privacy.md run here: record-level DP sends <see cref="PerExampleGradientSum"/>, the
/// sum of each example's log-loss gradient clipped to C; client-level DP sends the delta of <see cref="Train"/>,
/// local mini-batch gradient descent, which the SDK clips. Every model's loss is the log loss of a sigmoid output, so
/// prediction is a probability of the positive class.
/// </remarks>
public abstract class CreditModel
{
    private protected CreditModel(FeatureSchema schema, ModelSpecification specification)
    {
        Schema = schema;
        Specification = specification;
    }

    /// <summary>Gets the schema whose encoded features the model reads.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Gets the model's family and hyperparameters.</summary>
    public ModelSpecification Specification { get; }

    /// <summary>Gets d, the number of weights (and the length of the vector a round aggregates).</summary>
    public abstract int ParameterCount { get; }

    /// <summary>Gets the length of the scratch buffer one example's forward and backward pass needs.</summary>
    private protected abstract int ScratchLength { get; }

    /// <summary>Creates the model a specification describes over a schema.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="specification">The family and hyperparameters.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static CreditModel Create(FeatureSchema schema, ModelSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(specification);
        return ModelRegistry.Create(schema, specification);
    }

    /// <summary>
    /// Creates the initial weights: deterministic from the specification, so the operator and every bank derive the same
    /// (zeros for logistic regression; seeded Glorot-uniform weights and zero biases for a multilayer perceptron).
    /// </summary>
    /// <returns>A new array of <see cref="ParameterCount"/> weights.</returns>
    public double[] CreateInitialWeights()
    {
        double[] weights = new double[ParameterCount];
        InitializeCore(weights);
        return weights;
    }

    /// <summary>Computes the probability of the positive class (for credit, of a default) for one encoded row.</summary>
    /// <param name="weights">The <see cref="ParameterCount"/> weights.</param>
    /// <param name="features">The F encoded features (see <see cref="CreditDataset.GetFeatures"/>).</param>
    /// <returns>The probability.</returns>
    /// <exception cref="ArgumentException">A length does not fit the model.</exception>
    public double PredictProbability(ReadOnlySpan<double> weights, ReadOnlySpan<double> features)
    {
        ThrowIfWrongLength(weights, nameof(weights));
        if (features.Length != Schema.EncodedLength)
        {
            throw new ArgumentException($"The schema {Schema} has {Schema.EncodedLength} features; got {features.Length}.", nameof(features));
        }

        Span<double> scratch = new double[ScratchLength];
        return LogisticRegression.Sigmoid(LogOddsCore(weights, features, scratch));
    }

    /// <summary>Computes the probability of the positive class for every row of a data set.</summary>
    /// <param name="weights">The <see cref="ParameterCount"/> weights.</param>
    /// <param name="data">The data set, over <see cref="Schema"/>.</param>
    /// <returns>One probability per row, in row order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model or are not finite, or the data has another schema.</exception>
    public double[] PredictProbabilities(ReadOnlySpan<double> weights, CreditDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfInvalid(weights, data, nameof(weights));
        return PredictProbabilitiesCore(weights, data);
    }

    /// <summary>
    /// Computes Σ_{i ∈ rows} clip_C(∇ℓᵢ(w)): the sum over the given rows of each example's log-loss gradient, each scaled
    /// down to L2 norm at most <paramref name="clipNorm"/>; the bounded-sensitivity sum that record-level DP-SGD noises
    /// and aggregates (specs/privacy.md). The L2 penalty is not included. A row listed twice counts twice.
    /// </summary>
    /// <param name="weights">The <see cref="ParameterCount"/> weights.</param>
    /// <param name="data">The data set.</param>
    /// <param name="rows">The 0-based row indices of the batch; may be empty.</param>
    /// <param name="clipNorm">The per-example L2 bound C; positive and finite.</param>
    /// <returns>The sum, <see cref="ParameterCount"/> values, with ‖sum‖₂ ≤ |rows|·C.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model or are not finite, or the data has another schema.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipNorm"/> is not positive and finite, or a row index is out of range.</exception>
    public double[] PerExampleGradientSum(double[] weights, CreditDataset data, IReadOnlyList<int> rows, double clipNorm)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        ThrowIfInvalid(weights, data, nameof(weights));
        if (!double.IsFinite(clipNorm) || clipNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        foreach (int row in rows)
        {
            if ((uint)row >= (uint)data.RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row indices must be 0 to {data.RowCount - 1}.");
            }
        }

        return PerExampleGradientSumCore(weights, data, rows, clipNorm);
    }

    /// <summary>
    /// Computes the gradient of one example's log loss −y·ln p − (1 − y)·ln(1 − p) with respect to every weight
    /// (unclipped); the building block of both training rules, public so that it can be checked against finite differences.
    /// </summary>
    /// <param name="weights">The <see cref="ParameterCount"/> weights.</param>
    /// <param name="features">The F encoded features.</param>
    /// <param name="label">1 for the positive class, 0 for the negative.</param>
    /// <param name="gradient">Receives the <see cref="ParameterCount"/> partial derivatives.</param>
    /// <returns>The example's log loss.</returns>
    /// <exception cref="ArgumentException">A length does not fit the model, or the label is neither 0 nor 1.</exception>
    public double ExampleGradient(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, int label, Span<double> gradient)
    {
        ThrowIfWrongLength(weights, nameof(weights));
        if (features.Length != Schema.EncodedLength)
        {
            throw new ArgumentException($"The schema {Schema} has {Schema.EncodedLength} features; got {features.Length}.", nameof(features));
        }

        if (gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"The gradient has {ParameterCount} values; got {gradient.Length}.", nameof(gradient));
        }

        if (label is not (0 or 1))
        {
            throw new ArgumentException($"The label must be 0 or 1; got {label}.", nameof(label));
        }

        Span<double> scratch = new double[ScratchLength];
        double z = GradientCore(weights, features, label, gradient, scratch);
        return LogLoss(z, label);
    }

    /// <summary>
    /// Trains on the mean log loss plus (λ/2)·‖w‖² over every weight that is not a bias, by mini-batch gradient descent
    /// from <paramref name="initialWeights"/>; the local update of the client-level rule (federated averaging). The rows
    /// are shuffled each epoch by a generator seeded with <see cref="LocalTrainingOptions.Seed"/>, so the result depends
    /// only on the inputs.
    /// </summary>
    /// <param name="initialWeights">The starting weights (for example the global model); not modified.</param>
    /// <param name="data">The training data.</param>
    /// <param name="options">The training options.</param>
    /// <returns>The trained weights, a new array.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model or are not finite, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (a weight became infinite): the learning rate is too high.</exception>
    public double[] Train(double[] initialWeights, CreditDataset data, LocalTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(initialWeights);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(initialWeights, data, nameof(initialWeights));
        options.Validate(nameof(options));
        double[] result = TrainCore(initialWeights, data, options);
        if (!result.All(double.IsFinite))
        {
            throw new InvalidOperationException($"Training diverged: a weight is no longer finite. Lower {nameof(LocalTrainingOptions)}.{nameof(LocalTrainingOptions.LearningRate)} (now {options.LearningRate}).");
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Specification} over {Schema}: {ParameterCount} weights";

    /// <summary>Creates the scratch buffer <see cref="LogOdds"/> needs for one row.</summary>
    internal double[] CreateScratch() => new double[ScratchLength];

    /// <summary>The log-odds of the positive class for one row; the caller checked the lengths and the weights once.</summary>
    internal double LogOdds(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, Span<double> scratch) =>
        LogOddsCore(weights, features, scratch);

    /// <summary>Writes the initial weights (the array is zeroed).</summary>
    private protected abstract void InitializeCore(Span<double> weights);

    /// <summary>Computes the log-odds of the positive class for one row.</summary>
    private protected abstract double LogOddsCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, Span<double> scratch);

    /// <summary>Writes ∇ℓ for one example into <paramref name="gradient"/> (every entry) and returns the example's log-odds.</summary>
    private protected abstract double GradientCore(ReadOnlySpan<double> weights, ReadOnlySpan<double> features, int label, Span<double> gradient, Span<double> scratch);

    /// <summary>Whether weight <paramref name="index"/> is a bias (not penalised by L2).</summary>
    private protected abstract bool IsBias(int index);

    /// <summary>The probabilities of every row; a model may override it with a faster batched form.</summary>
    private protected virtual double[] PredictProbabilitiesCore(ReadOnlySpan<double> weights, CreditDataset data)
    {
        double[] probabilities = new double[data.RowCount];
        Span<double> scratch = new double[ScratchLength];
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = LogisticRegression.Sigmoid(LogOddsCore(weights, data.GetFeatures(i), scratch));
        }

        return probabilities;
    }

    /// <summary>The clipped per-example sum (arguments checked); a model may override it to keep figures it pinned.</summary>
    private protected virtual double[] PerExampleGradientSumCore(double[] weights, CreditDataset data, IReadOnlyList<int> rows, double clipNorm)
    {
        double[] sum = new double[weights.Length];
        double[] gradient = new double[weights.Length];
        Span<double> scratch = new double[ScratchLength];
        ReadOnlySpan<int> labels = data.Labels;
        foreach (int row in rows)
        {
            GradientCore(weights, data.GetFeatures(row), labels[row], gradient, scratch);
            Clipping.ClipInPlace(gradient, clipNorm);
            SpanMath.Add(gradient, sum);
        }

        if (rows.Count > 0)
        {
            // A no-op in exact arithmetic; it keeps rounding in the additions from exceeding the bound.
            Clipping.ClipInPlace(sum, rows.Count * clipNorm);
        }

        return sum;
    }

    /// <summary>Mini-batch gradient descent on the mean log loss plus the L2 penalty (arguments checked).</summary>
    private protected virtual double[] TrainCore(double[] initialWeights, CreditDataset data, LocalTrainingOptions options)
    {
        int n = data.RowCount;
        int batchSize = Math.Min(options.BatchSize ?? n, n);
        double[] weights = (double[])initialWeights.Clone();
        double[] gradient = new double[weights.Length];
        double[] mean = new double[weights.Length];
        double[] scratch = new double[ScratchLength];
        int[] order = [.. Enumerable.Range(0, n)];
        var random = new SeededRandom(options.Seed);
        ReadOnlySpan<int> labels = data.Labels;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (batchSize < n)
            {
                random.Shuffle(order.AsSpan());
            }

            for (int start = 0; start < n; start += batchSize)
            {
                int end = Math.Min(start + batchSize, n);
                Array.Clear(mean);
                for (int k = start; k < end; k++)
                {
                    GradientCore(weights, data.GetFeatures(order[k]), labels[order[k]], gradient, scratch);
                    SpanMath.Add(gradient, mean);
                }

                double scale = 1.0 / (end - start);
                for (int j = 0; j < weights.Length; j++)
                {
                    double step = (mean[j] * scale) + (IsBias(j) ? 0 : options.L2Regularization * weights[j]);
                    weights[j] -= options.LearningRate * step;
                }
            }
        }

        return weights;
    }

    private static double LogLoss(double z, int label)
    {
        // −log σ(z) = log(1 + e^−z), computed without overflow for any z.
        double t = label == 1 ? -z : z;
        return t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t));
    }

    private void ThrowIfWrongLength(ReadOnlySpan<double> weights, string parameterName)
    {
        if (weights.Length != ParameterCount)
        {
            throw new ArgumentException($"The {Specification} over schema {Schema} has {ParameterCount} weights; got {weights.Length}.", parameterName);
        }
    }

    private void ThrowIfInvalid(ReadOnlySpan<double> weights, CreditDataset data, string parameterName)
    {
        if (!string.Equals(data.Schema.Hash, Schema.Hash, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The data has schema {data.Schema}; the model reads {Schema}.", nameof(data));
        }

        ThrowIfWrongLength(weights, parameterName);
        foreach (double weight in weights)
        {
            if (!double.IsFinite(weight))
            {
                throw new ArgumentException("Every weight must be finite.", parameterName);
            }
        }
    }
}
