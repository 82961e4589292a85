using PrivateFl.ClientSdk;

namespace PrivateFl.IntegrationTests;

/// <summary>The real German credit data, split into a stratified test set and bank shards.</summary>
internal static class CreditData
{
    public static (IReadOnlyList<CreditDataset> Banks, CreditDataset Test) Split(int banks, int seed = 1)
    {
        CreditDataset all = DatasetLoader.LoadCsv(Path.Combine(AppContext.BaseDirectory, "data", "german_credit_data.csv"), CreditSchemas.GermanCredit);
        (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, seed);
        return (train.StratifiedShards(banks, seed), test);
    }

    public static double TestAuc(IReadOnlyList<double> weights, CreditDataset test) =>
        ModelMetrics.RocAuc(LogisticRegression.PredictProbabilities([.. weights], test), test.Labels);
}
