using PrivateFl.ClientSdk;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Simulation;

/// <summary>What the demo trains: the data set and its schema, the model, how the banks' data is partitioned, and the round plans that suit them.</summary>
internal sealed class DemoScenario
{
    private DemoScenario(FeatureSchema schema, string file, string citation, string bandFeature, ModelSpecification model)
    {
        Schema = schema;
        File = file;
        Citation = citation;
        BandFeature = bandFeature;
        Model = model;
    }

    public FeatureSchema Schema { get; }

    public string File { get; }

    public string Citation { get; }

    /// <summary>The column whose bands make the non-IID partition (Taiwan: PAY_0, last month's repayment status, so banks differ in how their customers pay).</summary>
    public string BandFeature { get; }

    public ModelSpecification Model { get; }

    public static DemoScenario Create(string dataset, string model, int? hidden) => new(
        dataset == "taiwan" ? CreditSchemas.TaiwanCredit : CreditSchemas.GermanCredit,
        dataset == "taiwan" ? "taiwan_credit_card_default.csv" : "german_credit_data.csv",
        dataset == "taiwan" ? "Yeh 2009, UCI, CC BY 4.0" : "Hofmann 1994, UCI, CC BY 4.0",
        dataset == "taiwan" ? "PAY_0" : "Credit amount",
        model == "mlp" ? ModelSpecification.MultilayerPerceptron([hidden ?? (dataset == "taiwan" ? 32 : 16)], HiddenActivation.Tanh, initializationSeed: 1, linearSkip: true) : ModelSpecification.LogisticRegression);

    public IReadOnlyList<CreditDataset> Partition(CreditDataset train, int banks, string partition, int seed) =>
        partition == "non-iid" ? train.ShardsByFeatureBand(banks, BandFeature) : train.StratifiedShards(banks, seed);

    /// <summary>
    /// Record-level DP-SGD plan: one full-batch clipped gradient sum per round. On Taiwan's 22,500 rows the multilayer
    /// perceptron clips at 3 with a smaller server step (η_s·C = 6): its per-example gradients are longer than the
    /// scorecard's (its output row and, once that grows, its hidden layer), so a clip norm of 1 would shrink its linear
    /// path's share, and the noise σC/n stays small. German credit's 750 rows cannot afford that noise (validation AUC
    /// of 32 units at C = 3, η_s = 2: 0.713; of 16 units at C = 1, η_s = 3: 0.753); both plans were chosen on validation splits (docs/benchmarks.md, issue 11).
    /// </summary>
    public TrainingPlan RecordLevelPlan(int expectedRows) => Model.Kind == CreditModelKind.MultilayerPerceptron && Schema.Name == CreditSchemas.TaiwanCreditName
        ? new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = (uint)expectedRows, ClipNorm = 3, QuantizationScale = 1 << 12, ServerLearningRate = 2, SamplingRate = 1 }
        : new TrainingPlan { Rule = AggregationRule.GradientSum, LocalEpochs = 1, LearningRate = 1, BatchSize = (uint)expectedRows, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 3, SamplingRate = 1 };

    public static TrainingPlan ClientLevelPlan(int expectedRows) =>
        new() { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 20, LearningRate = 0.5, L2Regularisation = 0.001, BatchSize = (uint)expectedRows, ClipNorm = 2, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 };

    /// <summary>The session's model on the wire, and the initial weights it needs (a multilayer perceptron starts from its seeded weights).</summary>
    public (ModelSpec Spec, double[]? InitialWeights) WireModel()
    {
        var spec = new ModelSpec
        {
            Kind = Model.Kind == CreditModelKind.MultilayerPerceptron ? ModelKind.MultilayerPerceptron : ModelKind.LogisticRegression,
            Activation = Model.Kind == CreditModelKind.MultilayerPerceptron ? ActivationKind.Tanh : ActivationKind.Unspecified,
            InitSeed = Model.Kind == CreditModelKind.MultilayerPerceptron ? Model.InitializationSeed : 0,
            LinearSkip = Model.LinearSkip,
        };
        spec.HiddenUnits.Add(Model.HiddenUnits.Select(u => (uint)u));
        return (spec, Model.Kind == CreditModelKind.MultilayerPerceptron ? CreditModel.Create(Schema, Model).CreateInitialWeights() : null);
    }
}
