using PrivateFl.ClientSdk;

namespace PrivateFl.Benchmarks;

/// <summary>A data set, its schema and a model, as the utility benchmark and the tuning run them.</summary>
internal sealed record BenchScenario(string Name, FeatureSchema Schema, string File, string BandFeature, ModelSpecification Model)
{
    public static BenchScenario Create(string dataset, string model) => new(
        $"{dataset}-{model}",
        dataset == "taiwan" ? CreditSchemas.TaiwanCredit : CreditSchemas.GermanCredit,
        dataset == "taiwan" ? "taiwan_credit_card_default.csv" : "german_credit_data.csv",
        dataset == "taiwan" ? "PAY_0" : "Credit amount",
        model == "mlp" ? ModelSpecification.MultilayerPerceptron([32], HiddenActivation.Tanh, initializationSeed: 1, linearSkip: true) : ModelSpecification.LogisticRegression);

    public static string DataPath(string file)
    {
        string root = AppContext.BaseDirectory;
        while (!System.IO.File.Exists(Path.Combine(root, "PrivateFl.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        return Path.Combine(root, "data", file);
    }

    public IReadOnlyList<CreditDataset> Partition(CreditDataset train, int banks, string partition, int seed) =>
        partition == "non-iid" ? train.ShardsByFeatureBand(banks, BandFeature) : train.StratifiedShards(banks, seed);
}
