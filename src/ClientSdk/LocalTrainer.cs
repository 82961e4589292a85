using MathNet.Numerics.LinearAlgebra;
using PrivateFl.ClientSdk.Internal;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.ClientSdk;

/// <summary>Trains the <see cref="LogisticRegression"/> model on a bank's own data, and computes the clipped gradients that record-level DP sends.</summary>
public static class LocalTrainer
{
    /// <summary>
    /// Runs L2-regularised gradient descent on the mean log loss from <paramref name="initialWeights"/>:
    /// each update is w ← w − η·(Xᵀ(σ(Xw) − y)/b + λ·(0, w₁ … w_F)) over a batch of b rows. With a batch size,
    /// the rows are shuffled each epoch by a generator seeded with <see cref="LocalTrainingOptions.Seed"/>, so
    /// the result depends only on the inputs.
    /// </summary>
    /// <param name="initialWeights">The F + 1 starting weights, bias first (for example the global model); not modified.</param>
    /// <param name="data">The training data.</param>
    /// <param name="options">The training options.</param>
    /// <returns>The trained weights, a new array.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the data's schema or are not finite, or an option is out of range (the message names it).</exception>
    /// <exception cref="InvalidOperationException">Training diverged (a weight became infinite): the learning rate is too high.</exception>
    public static double[] Train(double[] initialWeights, CreditDataset data, LocalTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(initialWeights);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        LogisticRegression.ThrowIfInvalidWeights(initialWeights, data.Schema, nameof(initialWeights));
        options.Validate(nameof(options));

        int n = data.RowCount;
        int batchSize = Math.Min(options.BatchSize ?? n, n);
        Vector<double> weights = Vector<double>.Build.DenseOfArray((double[])initialWeights.Clone());
        Vector<double> labels = Vector<double>.Build.Dense(n, i => data.Labels[i]);
        int[] order = [.. Enumerable.Range(0, n)];
        var random = new SeededRandom(options.Seed);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (batchSize == n)
            {
                Step(data.Design, labels, weights, options);
                continue;
            }

            random.Shuffle(order.AsSpan());
            for (int start = 0; start < n; start += batchSize)
            {
                int[] batch = order[start..Math.Min(start + batchSize, n)];
                Matrix<double> x = Matrix<double>.Build.DenseOfRowArrays(batch.Select(data.Input));
                Vector<double> y = Vector<double>.Build.Dense(batch.Length, i => data.Labels[batch[i]]);
                Step(x, y, weights, options);
            }
        }

        double[] result = weights.ToArray();
        if (!result.All(double.IsFinite))
        {
            throw new InvalidOperationException($"Training diverged: a weight is no longer finite. Lower {nameof(LocalTrainingOptions)}.{nameof(LocalTrainingOptions.LearningRate)} (now {options.LearningRate}).");
        }

        return result;
    }

    /// <summary>
    /// Computes Σ_{i ∈ rows} clip_C(∇ℓᵢ(w)), the sum over the given rows of each example's log-loss gradient
    /// ∇ℓᵢ = (σ(w·xᵢ) − yᵢ)·(1, xᵢ), each scaled down to L2 norm at most <paramref name="clipNorm"/>: the
    /// bounded-sensitivity sum that record-level DP-SGD noises and aggregates.
    /// </summary>
    /// <remarks>
    /// One row changes the sum by at most C in L2 norm, so ‖sum‖₂ ≤ |rows|·C; the bound is enforced in floating
    /// point too. The L2 penalty is not included: it depends on no record, so the server can apply it. A row
    /// listed twice counts twice.
    /// </remarks>
    /// <param name="weights">The F + 1 weights, bias first.</param>
    /// <param name="data">The data set.</param>
    /// <param name="rows">The 0-based indices of the rows in the batch (for example a Poisson sample); may be empty.</param>
    /// <param name="clipNorm">The per-example L2 bound C; positive and finite.</param>
    /// <returns>The sum, F + 1 values (bias first).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the data's schema or are not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipNorm"/> is not positive and finite, or a row index is out of range.</exception>
    public static double[] PerExampleGradientSum(double[] weights, CreditDataset data, IReadOnlyList<int> rows, double clipNorm)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        LogisticRegression.ThrowIfInvalidWeights(weights, data.Schema);
        if (!double.IsFinite(clipNorm) || clipNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        double[] sum = new double[weights.Length];
        double[] gradient = new double[weights.Length];
        ReadOnlySpan<int> labels = data.Labels;
        foreach (int row in rows)
        {
            if ((uint)row >= (uint)data.RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row indices must be 0 to {data.RowCount - 1}.");
            }

            double[] input = data.Input(row);
            double residual = LogisticRegression.Sigmoid(Dot(weights, input)) - labels[row];
            for (int j = 0; j < input.Length; j++)
            {
                gradient[j] = residual * input[j];
            }

            Clipping.ClipInPlace(gradient, clipNorm);
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] += gradient[j];
            }
        }

        if (rows.Count > 0)
        {
            // A no-op in exact arithmetic; it keeps rounding in the additions from exceeding the bound.
            Clipping.ClipInPlace(sum, rows.Count * clipNorm);
        }

        return sum;
    }

    private static void Step(Matrix<double> x, Vector<double> y, Vector<double> weights, LocalTrainingOptions options)
    {
        Vector<double> residuals = (x * weights).Map(LogisticRegression.Sigmoid) - y;
        Vector<double> gradient = x.TransposeThisAndMultiply(residuals) / x.RowCount;
        double bias = gradient[0];
        gradient.Add(weights * options.L2Regularization, gradient);
        gradient[0] = bias;
        weights.Subtract(gradient * options.LearningRate, weights);
    }

    private static double Dot(double[] weights, double[] input)
    {
        double z = 0;
        for (int j = 0; j < input.Length; j++)
        {
            z += weights[j] * input[j];
        }

        return z;
    }
}
