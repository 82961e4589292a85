using System.Text.Json;
using PrivateFl.ClientSdk.Tests.Support;

namespace PrivateFl.ClientSdk.Tests;

public sealed class ModelCardTests
{
    // The record the server writes beside each released model (the server's PrivacyRecord, written by RoundReleaser).
    private const string RecordLevelPrivacy = """{"mode":"RecordLevel","epsilon":0.93,"delta":1e-05,"epsilonBudget":1,"noiseMultiplier":1.7,"samplingRate":0.05,"releasedRounds":12,"clipNorm":1,"accountant":"RDP of the distributed discrete Gaussian"}""";

    private static readonly Lazy<(CreditDataset Train, CreditDataset Test, double[] Weights)> Trained = new(() =>
    {
        (CreditDataset train, CreditDataset test) = CreditFiles.GermanCredit.StratifiedSplit(0.25, 7);
        CreditModel model = CreditModel.Create(train.Schema, ModelSpecification.LogisticRegression);
        return (train, test, model.Train(model.CreateInitialWeights(), train, new LocalTrainingOptions()));
    });

    [Fact]
    public void Create_WithTestSet_CarriesSchemaModelPrivacyMetricsAndFairness()
    {
        (_, CreditDataset test, double[] weights) = Trained.Value;
        GlobalModel model = Model(weights, RecordLevelPrivacy);

        ModelCard card = ModelCard.Create(model, CreditSchemas.GermanCredit, testSet: test);

        double[] p = CreditModel.Create(test.Schema, ModelSpecification.LogisticRegression).PredictProbabilities(weights, test);
        using JsonDocument json = JsonDocument.Parse(card.ToJson());
        JsonElement root = json.RootElement;
        Assert.Equal(12, root.GetProperty("model_version").GetInt64());
        Assert.Equal(10, root.GetProperty("banks").GetInt32());
        Assert.Equal(CreditSchemas.GermanCredit.Hash, root.GetProperty("schema").GetProperty("hash").GetString());
        Assert.Equal(2, root.GetProperty("schema").GetProperty("version").GetInt32());
        Assert.Equal("Sex", root.GetProperty("schema").GetProperty("protected_columns")[0].GetString());
        Assert.Equal("logistic-regression", root.GetProperty("model").GetProperty("kind").GetString());
        Assert.Equal(33, root.GetProperty("model").GetProperty("parameters").GetInt32());
        JsonElement privacy = root.GetProperty("privacy");
        Assert.Equal(("record-level", 0.93, 1e-5, 1.7), (privacy.GetProperty("mode").GetString(), privacy.GetProperty("epsilon").GetDouble(), privacy.GetProperty("delta").GetDouble(), privacy.GetProperty("noise_multiplier").GetDouble()));
        Assert.StartsWith("RDP of the distributed discrete Gaussian", privacy.GetProperty("accountant").GetString(), StringComparison.Ordinal);
        Assert.Contains("discrete Gaussian", privacy.GetProperty("mechanism").GetString(), StringComparison.Ordinal);
        JsonElement metrics = root.GetProperty("test_metrics");
        Assert.Equal(test.RowCount, metrics.GetProperty("rows").GetInt32());
        Assert.Equal(ModelMetrics.RocAuc(p, test.Labels), metrics.GetProperty("roc_auc").GetDouble(), 15);
        Assert.Equal(ModelMetrics.LogLoss(p, test.Labels), metrics.GetProperty("log_loss").GetDouble(), 15);
        JsonElement sex = root.GetProperty("fairness").GetProperty("columns")[0];
        Assert.Equal("Sex", sex.GetProperty("column").GetString());
        Assert.Equal(card.Fairness!.Columns[0].ApprovalRateRatio, sex.GetProperty("approval_rate_ratio").GetDouble(), 15);
        Assert.Equal(test.RowCount, sex.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("rows").GetInt32()));
    }

    [Fact]
    public void ToMarkdown_WithTestSet_HasTheSectionsAndTheFairnessTable()
    {
        (_, CreditDataset test, double[] weights) = Trained.Value;

        string markdown = ModelCard.Create(Model(weights, RecordLevelPrivacy), CreditSchemas.GermanCredit, testSet: test).ToMarkdown();

        Assert.StartsWith("# Model card: german-credit, model version 12\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| Privacy | record-level DP, ε = 0.93, δ = 1E-05 |", markdown, StringComparison.Ordinal);
        Assert.Contains("## Test metrics", markdown, StringComparison.Ordinal);
        Assert.Contains("### Sex: approval-rate ratio", markdown, StringComparison.Ordinal);
        Assert.Contains("| male | ", markdown, StringComparison.Ordinal);
        Assert.Contains("| female | ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithoutTestSetOrDp_SaysSo()
    {
        (_, _, double[] weights) = Trained.Value;

        ModelCard card = ModelCard.Create(Model(weights, """{"mode":"None"}""", sessionId: "a|b"), CreditSchemas.GermanCredit);

        Assert.Null(card.TestMetrics);
        Assert.Null(card.Fairness);
        Assert.Null(card.Epsilon);
        using JsonDocument json = JsonDocument.Parse(card.ToJson());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("test_metrics").ValueKind);
        Assert.Equal("none", json.RootElement.GetProperty("privacy").GetProperty("mode").GetString());
        string markdown = card.ToMarkdown();
        Assert.Contains("No test set was supplied.", markdown, StringComparison.Ordinal);
        Assert.Contains("no differential privacy", markdown, StringComparison.Ordinal);
        Assert.StartsWith("# Model card: a\\|b,", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MultilayerPerceptron_ListsItsHyperparameters()
    {
        ModelSpecification mlp = ModelSpecification.MultilayerPerceptron([8], HiddenActivation.Tanh, initializationSeed: 5, linearSkip: true);
        CreditModel model = CreditModel.Create(CreditSchemas.GermanCredit, mlp);

        ModelCard card = ModelCard.Create(Model(model.CreateInitialWeights(), RecordLevelPrivacy), CreditSchemas.GermanCredit, mlp, Trained.Value.Test);

        using JsonDocument json = JsonDocument.Parse(card.ToJson());
        JsonElement spec = json.RootElement.GetProperty("model");
        Assert.Equal("multilayer-perceptron", spec.GetProperty("kind").GetString());
        Assert.Equal(8, spec.GetProperty("hidden_units")[0].GetInt32());
        Assert.True(spec.GetProperty("linear_skip").GetBoolean());
        Assert.Equal(model.ParameterCount, spec.GetProperty("parameters").GetInt32());
    }

    [Fact]
    public void Create_WrongSchemaOrWeights_Throws()
    {
        (_, _, double[] weights) = Trained.Value;

        Assert.Throws<SchemaMismatchException>(() => ModelCard.Create(Model(weights, RecordLevelPrivacy), CreditSchemas.TaiwanCredit));
        Assert.Throws<ArgumentException>("model", () => ModelCard.Create(Model([.. weights, 0.0], RecordLevelPrivacy), CreditSchemas.GermanCredit));
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => ModelCard.Create(Model(weights, RecordLevelPrivacy), CreditSchemas.GermanCredit, threshold: -1));
    }

    private static GlobalModel Model(double[] weights, string privacy, string sessionId = "german-credit") =>
        new(sessionId, 12, weights, CreditSchemas.GermanCredit.Hash, 14, 10, 0.93, 1e-5, privacy);
}
