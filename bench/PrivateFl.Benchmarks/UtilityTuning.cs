using System.Globalization;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Benchmarks;

/// <summary>
/// A fast stand-in for the utility benchmark, used only to choose the training plan: the same DP-SGD arithmetic
/// (clipped per-example gradients, Gaussian noise σC on the sum, the same accountant) without the network.
/// </summary>
internal static class UtilityTuning
{
    public static void Run()
    {
        CreditDataset all = DatasetLoader.LoadCsv(UtilityBenchmark.DataPath(), CreditSchemas.GermanCredit);
        foreach (int rounds in new[] { 10, 15, 20 })
        {
            foreach (double q in new[] { 1.0 })
            {
                foreach (double lr in new[] { 3.0, 6.0, 12.0 })
                {
                    foreach (double clip in new[] { 0.5, 1.0 })
                    {
                        var line = new List<string>();
                        foreach (double epsilon in new[] { 1.0, 1e9 })
                        {
                            double sigma = epsilon > 1e6 ? 0 : DdgAccountant.CalibrateNoise(q, DdgDiscreteness.None, rounds, epsilon, 1e-5);
                            double auc = Enumerable.Range(0, 10).Average(split => Simulate(all, split, rounds, q, lr, clip, sigma));
                            line.Add($"ε={epsilon}: {auc:F3}");
                        }

                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"T={rounds} q={q} lr={lr} C={clip}: {string.Join("  ", line)}"));
                    }
                }
            }
        }
    }

    private static double Simulate(CreditDataset all, int split, int rounds, double q, double lr, double clip, double sigma)
    {
        (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, split);
        IReadOnlyList<CreditDataset> banks = train.StratifiedShards(10, split);
        var random = new Random(split);
        double[] w = LogisticRegression.CreateWeights(CreditSchemas.GermanCredit);
        double denominator = q * train.RowCount;
        double[] average = new double[w.Length];
        for (int round = 0; round < rounds; round++)
        {
            double[] total = new double[w.Length];
            foreach (CreditDataset bank in banks)
            {
                var rows = Enumerable.Range(0, bank.RowCount).Where(_ => random.NextDouble() < q).ToList();
                double[] g = LocalTrainer.PerExampleGradientSum(w, bank, rows, clip);
                for (int i = 0; i < w.Length; i++)
                {
                    total[i] += g[i];
                }
            }

            for (int i = 0; i < w.Length; i++)
            {
                double u1 = 1 - random.NextDouble();
                double u2 = random.NextDouble();
                double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                double gradient = (total[i] + (sigma * clip * gaussian)) / denominator;
                w[i] -= lr * gradient;
                average[i] = w[i];
            }
        }

        return ModelMetrics.RocAuc(LogisticRegression.PredictProbabilities(average, test), test.Labels);
    }
}
