using FsCheck;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Internal;
using PrivateFl.ClientSdk.Tests.Support;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.ClientSdk.Tests;

public sealed class CreditModelTests
{
    private static readonly Lazy<CreditDataset> Taiwan = new(() => DatasetLoader.LoadCsv(CreditFiles.PathOf("taiwan_credit_card_default.csv"), CreditSchemas.TaiwanCredit));

    public static TheoryData<int[], HiddenActivation, bool> Shapes => new()
    {
        { [1], HiddenActivation.Tanh, false },
        { [8], HiddenActivation.Tanh, false },
        { [8], HiddenActivation.Tanh, true },
        { [5, 3], HiddenActivation.Tanh, false },
        { [6], HiddenActivation.Relu, false },
        { [4, 4, 2], HiddenActivation.Relu, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ExampleGradient_Mlp_MatchesCentralFiniteDifferences(int[] hidden, HiddenActivation activation, bool linearSkip)
    {
        CreditDataset data = CreditFiles.GermanCredit;
        CreditModel model = CreditModel.Create(data.Schema, ModelSpecification.MultilayerPerceptron(hidden, activation, initializationSeed: 42, linearSkip));
        double[] weights = model.CreateInitialWeights();
        var random = new SeededRandom(hidden.Sum());
        for (int j = 0; j < weights.Length; j++)
        {
            // Moved off the initial point so biases and every unit matter; ReLU kinks are measure-zero.
            weights[j] += ((random.NextUInt64() >> 11) * (1.0 / (1UL << 53)) - 0.5) * 0.6;
        }

        foreach (int row in new[] { 0, 17, 512 })
        {
            double[] gradient = new double[model.ParameterCount];
            model.ExampleGradient(weights, data.GetFeatures(row), data.Labels[row], gradient);
            const double H = 1e-6;
            for (int j = 0; j < weights.Length; j++)
            {
                double saved = weights[j];
                weights[j] = saved + H;
                double up = Loss(model, weights, data, row);
                weights[j] = saved - H;
                double down = Loss(model, weights, data, row);
                weights[j] = saved;
                double numeric = (up - down) / (2 * H);
                Assert.True(Math.Abs(numeric - gradient[j]) <= 1e-6 + (1e-5 * Math.Abs(numeric)), $"row {row}, weight {j}: analytic {gradient[j]}, numeric {numeric}");
            }
        }
    }

    [Property(MaxTest = 100)]
    public bool PerExampleGradientSum_Mlp_NormAtMostRowsTimesClipAndOneRowMovesItByAtMostClip(int seed, PositiveInt clipChoice, NonNegativeInt countChoice)
    {
        CreditDataset data = CreditFiles.GermanCredit;
        CreditModel model = CreditModel.Create(data.Schema, ModelSpecification.MultilayerPerceptron([6, 3], HiddenActivation.Tanh, seed));
        var random = new SeededRandom(seed);
        double[] weights = model.CreateInitialWeights();
        for (int j = 0; j < weights.Length; j++)
        {
            weights[j] *= 1 + (random.NextInt(50) / 5.0);
        }

        int[] rows = [.. Enumerable.Range(0, 1 + (countChoice.Get % 100)).Select(_ => random.NextInt(data.RowCount))];
        double clipNorm = clipChoice.Get / 1000.0;

        double[] sum = model.PerExampleGradientSum(weights, data, rows, clipNorm);
        double[] withoutFirst = model.PerExampleGradientSum(weights, data, rows[1..], clipNorm);
        double[] difference = [.. sum.Zip(withoutFirst, (a, b) => a - b)];

        return Clipping.L2Norm(sum) <= rows.Length * clipNorm * (1 + 1e-12)
            && Clipping.L2Norm(difference) <= clipNorm * (1 + 1e-9);
    }

    [Fact]
    public void LogisticRegressionModel_EveryOperation_IsExactlyTheScorecardArithmetic()
    {
        CreditDataset data = CreditFiles.GermanCredit;
        CreditModel model = CreditModel.Create(data.Schema, ModelSpecification.LogisticRegression);
        var options = new LocalTrainingOptions { Epochs = 20, BatchSize = 64, Seed = 3 };
        int[] rows = [1, 5, 9, 700, 5];

        double[] trained = model.Train(model.CreateInitialWeights(), data, options);

        Assert.Equal(data.FeatureCount + 1, model.ParameterCount);
        Assert.Equal(LogisticRegression.CreateWeights(data.Schema), model.CreateInitialWeights());
        Assert.Equal(LocalTrainer.Train(LogisticRegression.CreateWeights(data.Schema), data, options), trained);
        Assert.Equal(LocalTrainer.PerExampleGradientSum(trained, data, rows, 0.5), model.PerExampleGradientSum(trained, data, rows, 0.5));
        Assert.Equal(LogisticRegression.PredictProbabilities(trained, data), model.PredictProbabilities(trained, data));
    }

    [Fact]
    public void ExampleGradient_LogisticRegression_IsTheResidualTimesTheInput()
    {
        CreditDataset data = CreditFiles.GermanCredit;
        CreditModel model = CreditModel.Create(data.Schema, ModelSpecification.LogisticRegression);
        double[] weights = [.. Enumerable.Range(0, model.ParameterCount).Select(j => Math.Sin(j) / 3)];
        double[] gradient = new double[model.ParameterCount];

        model.ExampleGradient(weights, data.GetFeatures(4), data.Labels[4], gradient);

        double residual = LogisticRegression.PredictProbability(weights, data.GetFeatures(4)) - data.Labels[4];
        Assert.Equal(residual, gradient[0], 15);
        Assert.All(Enumerable.Range(0, data.FeatureCount), j => Assert.Equal(residual * data.GetFeatures(4)[j], gradient[j + 1], 15));
    }

    [Fact]
    public void Mlp_ParameterCountAndInitialWeights_FollowTheShapeAndTheSeed()
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;
        CreditModel model = CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([16, 4], HiddenActivation.Tanh, initializationSeed: 7));
        CreditModel same = CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([16, 4], HiddenActivation.Tanh, initializationSeed: 7));
        CreditModel other = CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([16, 4], HiddenActivation.Tanh, initializationSeed: 8));

        double[] initial = model.CreateInitialWeights();

        Assert.Equal((16 * (32 + 1)) + (4 * (16 + 1)) + 4 + 1, model.ParameterCount);
        Assert.Equal(initial, same.CreateInitialWeights());
        Assert.NotEqual(initial, other.CreateInitialWeights());
        Assert.All(Enumerable.Range(0, 16), unit => Assert.Equal(0, initial[unit * 33]));
        double limit = Math.Sqrt(6.0 / (32 + 16));
        Assert.All(initial.Take(16 * 33), w => Assert.InRange(w, -limit, limit));
    }

    [Fact]
    public void LinearSkip_FreshModel_SameHiddenLayerZeroOutputAndLinearPathPredictsOneHalf()
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;
        CreditModel plain = CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, 3));
        CreditModel skip = CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, 3, linearSkip: true));
        int outputRow = 8 * (schema.EncodedLength + 1);

        double[] initial = skip.CreateInitialWeights();

        Assert.Equal(plain.ParameterCount + schema.EncodedLength, skip.ParameterCount);
        Assert.Equal(plain.CreateInitialWeights()[..outputRow], initial[..outputRow]);
        Assert.Contains(initial[..outputRow], w => w != 0);
        Assert.All(initial[outputRow..], w => Assert.Equal(0, w));
        Assert.All(Enumerable.Range(0, 20), row => Assert.Equal(0.5, skip.PredictProbability(initial, CreditFiles.GermanCredit.GetFeatures(row))));
        Assert.NotEqual(plain.Specification, skip.Specification);
    }

    [Fact]
    public void Train_MlpOnGermanCredit_LearnsAsWellAsLogisticRegression()
    {
        (CreditDataset train, CreditDataset test) = CreditFiles.GermanCredit.StratifiedSplit(0.25, 1);
        CreditModel mlp = CreditModel.Create(train.Schema, ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, 1));
        var options = new LocalTrainingOptions { Epochs = 300, LearningRate = 0.5, L2Regularization = 0.001 };

        double[] trained = mlp.Train(mlp.CreateInitialWeights(), train, options);
        double auc = ModelMetrics.RocAuc(mlp.PredictProbabilities(trained, test), test.Labels);

        Assert.True(auc >= 0.72, $"MLP test AUC {auc:F3}");
    }

    [Fact]
    public void Mlp_LinearSkipUnderClippedGradientSteps_LeavesTheZeroStartAndLearns()
    {
        // The record-level DP rule: full-batch sums of per-example gradients clipped to C, one server step per round.
        (CreditDataset train, CreditDataset test) = CreditFiles.GermanCredit.StratifiedSplit(0.25, 2);
        CreditModel mlp = CreditModel.Create(train.Schema, ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, 5, linearSkip: true));
        double[] initial = mlp.CreateInitialWeights();
        double[] weights = (double[])initial.Clone();
        int[] rows = [.. Enumerable.Range(0, train.RowCount)];
        int outputRow = 8 * (train.Schema.EncodedLength + 1);

        for (int round = 0; round < 30; round++)
        {
            double[] sum = mlp.PerExampleGradientSum(weights, train, rows, clipNorm: 2);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] -= 2.0 * sum[i] / train.RowCount;
            }
        }

        double auc = ModelMetrics.RocAuc(mlp.PredictProbabilities(weights, test), test.Labels);
        Assert.Contains(weights[(outputRow + 1)..(outputRow + 9)], v => v != 0);
        Assert.Contains(Enumerable.Range(0, outputRow), i => weights[i] != initial[i]);
        Assert.True(auc >= 0.70, $"MLP test AUC {auc:F3}");
    }

    [Fact]
    public void Create_ModelSpecification_RefusesInvalidShapes()
    {
        Assert.Throws<ArgumentException>("hiddenUnits", () => ModelSpecification.MultilayerPerceptron([]));
        Assert.Throws<ArgumentException>("hiddenUnits", () => ModelSpecification.MultilayerPerceptron([0]));
        Assert.Throws<ArgumentException>("hiddenUnits", () => ModelSpecification.MultilayerPerceptron([4, 4, 4, 4, 4]));
        Assert.Throws<ArgumentException>("kind", () => ModelSpecification.Create(CreditModelKind.LogisticRegression, [3], HiddenActivation.Tanh, 0));
        Assert.Throws<ArgumentException>("kind", () => ModelSpecification.Create((CreditModelKind)99, [], HiddenActivation.Tanh, 0));
    }

    [Fact]
    public void PerExampleGradientSum_DataOfAnotherSchema_IsRefused()
    {
        CreditModel model = CreditModel.Create(CreditSchemas.TaiwanCredit, ModelSpecification.LogisticRegression);

        Assert.Throws<ArgumentException>("data", () => model.PerExampleGradientSum(model.CreateInitialWeights(), CreditFiles.GermanCredit, [0], 1));
    }

    [Fact]
    public void LoadCsv_TaiwanFile_LoadsEveryRowWithProtectedColumnsLeftOut()
    {
        CreditDataset data = Taiwan.Value;

        Assert.Equal(30_000, data.RowCount);
        Assert.Equal(6_636, data.PositiveCount);
        // LIMIT_BAL + EDUCATION 4+1 + six PAY_* 6+1 + twelve amounts.
        Assert.Equal(1 + 5 + 42 + 12, data.FeatureCount);
        Assert.Equal(["SEX", "MARRIAGE", "AGE"], data.Schema.ProtectedColumns.Select(c => c.Name));
        Assert.DoesNotContain(data.Schema.FeatureNames, name => name.StartsWith("SEX", StringComparison.Ordinal) || name.StartsWith("MARRIAGE", StringComparison.Ordinal) || name == "AGE");
        Assert.All(Enumerable.Range(0, data.RowCount), row => Assert.True(Clipping.L2Norm(data.GetFeatures(row).ToArray()) <= data.Schema.MaxEncodedNorm + 1e-12));
    }

    [Fact]
    public void Encode_LogTransform_ScalesTheSignedLogOverTheTransformedRange()
    {
        CreditDataset data = Taiwan.Value;
        IReadOnlyList<string> names = data.Schema.FeatureNames;

        // First row: LIMIT_BAL 20000, EDUCATION 2, PAY_0 2, BILL_AMT1 3913, PAY_AMT1 0.
        double Feature(string name) => data.GetFeatures(0)[names.ToList().IndexOf(name)];
        double top = Math.Log(1 + 10_000_000.0);
        Assert.Equal((2 * Math.Log(20_001) / top) - 1, Feature("LIMIT_BAL"), 12);
        Assert.Equal(Math.Log(3_914) / top, Feature("BILL_AMT1"), 12);
        Assert.Equal(-1, Feature("PAY_AMT1"), 12);
        Assert.Equal(1, Feature("EDUCATION=2"));
        Assert.Equal(1, Feature("PAY_0=2"));
    }

    [Fact]
    public void FromJson_TaiwanSchema_RoundTripsProtectedColumnsAndTransforms()
    {
        FeatureSchema schema = CreditSchemas.TaiwanCredit;

        FeatureSchema read = FeatureSchema.FromJson(schema.ToJson(indented: true));

        Assert.Equal(schema.Hash, read.Hash);
        Assert.Contains("\"protected\":true", schema.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"transform\":\"log\"", schema.ToJson(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => FeatureSchema.FromJson(schema.ToJson().Replace("\"transform\":\"log\"", "\"transform\":\"sqrt\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void FeatureSchema_OnlyProtectedColumns_IsRefused()
    {
        Assert.Throws<ArgumentException>("columns", () => new FeatureSchema("x", 1, [FeatureColumn.Numeric("Age", 18, 100).AsProtected()], "y", "1", "0"));
    }

    [Property(MaxTest = 20)]
    public bool ShardsByFeatureBand_AnyShardCount_PartitionsTheRowsIntoOrderedBands(PositiveInt shardChoice)
    {
        CreditDataset data = CreditFiles.GermanCredit;
        int shards = 1 + (shardChoice.Get % 20);

        IReadOnlyList<CreditDataset> bands = data.ShardsByFeatureBand(shards, "Credit amount");

        int feature = data.Schema.FeatureNames.ToList().IndexOf("Credit amount");
        bool ordered = Enumerable.Range(1, shards - 1).All(s =>
            Enumerable.Range(0, bands[s - 1].RowCount).Max(r => bands[s - 1].GetFeatures(r)[feature]) <= Enumerable.Range(0, bands[s].RowCount).Min(r => bands[s].GetFeatures(r)[feature]));
        return bands.Count == shards && bands.Sum(b => b.RowCount) == data.RowCount && bands.Max(b => b.RowCount) - bands.Min(b => b.RowCount) <= 1 && ordered;
    }

    [Fact]
    public void ShardsByFeatureBand_CategoricalColumn_BandsFollowTheVocabularyOrder()
    {
        CreditDataset data = CreditFiles.GermanCredit;
        IReadOnlyList<string> names = data.Schema.FeatureNames;
        int first = names.ToList().IndexOf("Housing=own");

        IReadOnlyList<CreditDataset> bands = data.ShardsByFeatureBand(4, "Housing");

        int Category(CreditDataset set, int row) => set.GetFeatures(row).Slice(first, 4).IndexOf(1.0);
        int[] maxima = [.. bands.Select(b => Enumerable.Range(0, b.RowCount).Max(r => Category(b, r)))];
        int[] minima = [.. bands.Select(b => Enumerable.Range(0, b.RowCount).Min(r => Category(b, r)))];
        Assert.All(Enumerable.Range(1, 3), s => Assert.True(maxima[s - 1] <= minima[s]));
        Assert.Equal(data.RowCount, bands.Sum(b => b.RowCount));
        Assert.Throws<ArgumentException>("columnName", () => data.ShardsByFeatureBand(4, "Sex"));
    }

    private static double Loss(CreditModel model, double[] weights, CreditDataset data, int row)
    {
        double p = model.PredictProbability(weights, data.GetFeatures(row));
        return data.Labels[row] == 1 ? -Math.Log(p) : -Math.Log(1 - p);
    }
}
