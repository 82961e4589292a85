namespace PrivateFl.ClientSdk;

/// <summary>Evaluation metrics of a binary classifier; labels are 1 (positive, for credit a default) or 0.</summary>
public static class ModelMetrics
{
    /// <summary>The probability bound of <see cref="LogLoss"/>: probabilities are clamped to [ε, 1 − ε] so one certain mistake costs ln(1/ε) ≈ 34.5, not infinity.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>
    /// Computes the area under the ROC curve by the rank (Mann–Whitney U) formula,
    /// AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊·n₋), where R₊ is the sum of the positives' ranks among all scores and
    /// tied scores share their average rank (so a tie between a positive and a negative counts one half).
    /// </summary>
    /// <param name="scores">One score per example; higher means more likely positive. Finite.</param>
    /// <param name="labels">One label per example, 0 or 1; both classes must occur.</param>
    /// <returns>The AUC in [0, 1]: the probability that a random positive scores above a random negative.</returns>
    /// <exception cref="ArgumentException">The lengths differ, a score is not finite, a label is not 0 or 1, or a class is absent.</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        ThrowIfInvalid(scores, labels, nameof(scores));
        int n = scores.Length;
        double[] sorted = scores.ToArray();
        int[] sortedLabels = labels.ToArray();
        Array.Sort(sorted, sortedLabels);

        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && sorted[end + 1] == sorted[start])
            {
                end++;
            }

            // Ranks start + 1 … end + 1 are tied: each gets their average.
            double averageRank = (start + end + 2) / 2.0;
            for (int i = start; i <= end; i++)
            {
                if (sortedLabels[i] == 1)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("The AUC needs at least one positive and one negative example.", nameof(labels));
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>Computes the mean log loss −(1/n)·Σ [yᵢ·ln pᵢ + (1 − yᵢ)·ln(1 − pᵢ)], with pᵢ clamped to [<see cref="LogLossEpsilon"/>, 1 − <see cref="LogLossEpsilon"/>].</summary>
    /// <param name="probabilities">One predicted probability of the positive class per example, in [0, 1].</param>
    /// <param name="labels">One label per example, 0 or 1.</param>
    /// <returns>The mean log loss, in nats.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are zero, a probability is outside [0, 1], or a label is not 0 or 1.</exception>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        ThrowIfInvalidProbabilities(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>Computes the share of examples classified correctly when p ≥ <paramref name="threshold"/> means positive.</summary>
    /// <param name="probabilities">One predicted probability of the positive class per example, in [0, 1].</param>
    /// <param name="labels">One label per example, 0 or 1.</param>
    /// <param name="threshold">The decision threshold, in [0, 1]. Default: 0.5.</param>
    /// <returns>The accuracy in [0, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ or are zero, a probability is outside [0, 1], or a label is not 0 or 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside [0, 1].</exception>
    public static double Accuracy(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, double threshold = 0.5)
    {
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1].");
        }

        ThrowIfInvalidProbabilities(probabilities, labels);
        int correct = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if ((probabilities[i] >= threshold ? 1 : 0) == labels[i])
            {
                correct++;
            }
        }

        return correct / (double)probabilities.Length;
    }

    private static void ThrowIfInvalidProbabilities(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        ThrowIfInvalid(probabilities, labels, nameof(probabilities));
        foreach (double p in probabilities)
        {
            if (p is < 0 or > 1)
            {
                throw new ArgumentException($"Every probability must be in [0, 1]; got {p}.", nameof(probabilities));
            }
        }
    }

    private static void ThrowIfInvalid(ReadOnlySpan<double> values, ReadOnlySpan<int> labels, string valuesName)
    {
        if (values.Length != labels.Length)
        {
            throw new ArgumentException($"There are {values.Length} {valuesName} but {labels.Length} labels.", nameof(labels));
        }

        if (values.Length == 0)
        {
            throw new ArgumentException($"At least one example is needed.", valuesName);
        }

        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"Every one of the {valuesName} must be finite.", valuesName);
            }
        }

        foreach (int label in labels)
        {
            if (label is not (0 or 1))
            {
                throw new ArgumentException($"Every label must be 0 or 1; got {label}.", nameof(labels));
            }
        }
    }
}
