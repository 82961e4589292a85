using FsCheck;
using FsCheck.Xunit;

namespace PrivateFl.ClientSdk.Tests;

public sealed class ModelMetricsTests
{
    [Property(MaxTest = 200)]
    public bool RocAuc_ScoresSeparatingTheClasses_IsOne(NonEmptyArray<int> negatives, NonEmptyArray<int> positives)
    {
        (double[] scores, int[] labels) = Interleave(
            [.. negatives.Get.Select(v => -Math.Abs((double)v) - 1)],
            [.. positives.Get.Select(v => Math.Abs((double)v) + 1)]);

        return ModelMetrics.RocAuc(scores, labels) == 1.0;
    }

    [Property(MaxTest = 200)]
    public bool RocAuc_ReversedSeparatingScores_IsZero(NonEmptyArray<int> negatives, NonEmptyArray<int> positives)
    {
        (double[] scores, int[] labels) = Interleave(
            [.. negatives.Get.Select(v => Math.Abs((double)v) + 1)],
            [.. positives.Get.Select(v => -Math.Abs((double)v) - 1)]);

        return ModelMetrics.RocAuc(scores, labels) == 0.0;
    }

    [Property(MaxTest = 300)]
    public bool RocAuc_AnyScoresWithTies_EqualsThePairwiseCount(NonEmptyArray<byte> negatives, NonEmptyArray<byte> positives)
    {
        // Small integer scores make ties frequent; the plain model counts a tied pair as one half.
        double[] negativeScores = [.. negatives.Get.Select(v => (double)(v % 7))];
        double[] positiveScores = [.. positives.Get.Select(v => (double)(v % 7))];
        (double[] scores, int[] labels) = Interleave(negativeScores, positiveScores);

        double wins = 0;
        foreach (double p in positiveScores)
        {
            foreach (double n in negativeScores)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        double expected = wins / (positiveScores.Length * (double)negativeScores.Length);
        return Math.Abs(ModelMetrics.RocAuc(scores, labels) - expected) < 1e-12;
    }

    [Fact]
    public void RocAuc_AllScoresEqual_IsOneHalf()
    {
        Assert.Equal(0.5, ModelMetrics.RocAuc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]));
    }

    [Fact]
    public void RocAuc_KnownExample_MatchesHandComputation()
    {
        // Pairs (positive, negative): (0.8, 0.1) (0.8, 0.4) (0.35, 0.1) (0.35, 0.4) → 3 of 4 ordered.
        Assert.Equal(0.75, ModelMetrics.RocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]));
    }

    [Fact]
    public void RocAuc_OneClassOnly_ThrowsNamingLabels()
    {
        Assert.Throws<ArgumentException>("labels", () => ModelMetrics.RocAuc([0.1, 0.2], [1, 1]));
    }

    [Fact]
    public void RocAuc_NaNScore_ThrowsNamingScores()
    {
        Assert.Throws<ArgumentException>("scores", () => ModelMetrics.RocAuc([double.NaN, 0.2], [0, 1]));
    }

    [Fact]
    public void LogLoss_KnownValues_MatchTheFormula()
    {
        double expected = -(Math.Log(0.9) + Math.Log(1 - 0.2)) / 2;

        Assert.Equal(expected, ModelMetrics.LogLoss([0.9, 0.2], [1, 0]), 15);
    }

    [Fact]
    public void LogLoss_CertainMistake_IsBoundedByEpsilon()
    {
        Assert.Equal(-Math.Log(ModelMetrics.LogLossEpsilon), ModelMetrics.LogLoss([0.0], [1]), 9);
    }

    [Fact]
    public void LogLoss_ProbabilityAboveOne_ThrowsNamingProbabilities()
    {
        Assert.Throws<ArgumentException>("probabilities", () => ModelMetrics.LogLoss([1.5], [1]));
    }

    [Fact]
    public void Accuracy_Threshold_CountsAtOrAboveAsPositive()
    {
        double[] probabilities = [0.2, 0.5, 0.7, 0.4];
        int[] labels = [0, 1, 0, 1];

        Assert.Equal(0.5, ModelMetrics.Accuracy(probabilities, labels));
        Assert.Equal(0.5, ModelMetrics.Accuracy(probabilities, labels, threshold: 0.8));
        Assert.Equal(0.75, ModelMetrics.Accuracy(probabilities, labels, threshold: 0.3));
    }

    [Fact]
    public void Accuracy_LengthsDiffer_ThrowsNamingLabels()
    {
        Assert.Throws<ArgumentException>("labels", () => ModelMetrics.Accuracy([0.2], [0, 1]));
    }

    private static (double[] Scores, int[] Labels) Interleave(double[] negatives, double[] positives)
    {
        var scores = new List<double>();
        var labels = new List<int>();
        for (int i = 0; i < Math.Max(negatives.Length, positives.Length); i++)
        {
            if (i < positives.Length)
            {
                scores.Add(positives[i]);
                labels.Add(1);
            }

            if (i < negatives.Length)
            {
                scores.Add(negatives[i]);
                labels.Add(0);
            }
        }

        return ([.. scores], [.. labels]);
    }
}
