using System.Globalization;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Benchmarks;

/// <summary>
/// A fast stand-in for the utility benchmark over any data set and model, used only to choose the training plans: the
/// same DP-SGD arithmetic (clipped per-example gradients summed over 10 banks, Gaussian noise σC on the sum, the same
/// accountant without the discreteness term) without the network.
/// </summary>
internal static class ModelTuning
{
    public static void Run(string[] args)
    {
        string dataset = args.Length > 0 ? args[0] : "taiwan";
        string modelName = args.Length > 1 ? args[1] : "logistic";
        string partition = args.Length > 2 ? args[2] : "iid";
        int splits = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        double[] List(int index, string fallback) => [.. (args.Length > index ? args[index] : fallback).Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        BenchScenario scenario = BenchScenario.Create(dataset, modelName);
        if (scenario.Model.Kind == CreditModelKind.MultilayerPerceptron && args.Length > 7)
        {
            scenario = scenario with { Model = ModelSpecification.MultilayerPerceptron([int.Parse(args[7], CultureInfo.InvariantCulture)], args.Length > 8 && args[8] == "relu" ? HiddenActivation.Relu : HiddenActivation.Tanh, 1, linearSkip: args.Length > 9 && args[9] == "skip") };
        }

        if (args.Length > 10)
        {
            scenario = scenario with { BandFeature = args[10] };
        }

        CreditDataset all = DatasetLoader.LoadCsv(BenchScenario.DataPath(scenario.File), scenario.Schema);
        CreditModel scorecard = CreditModel.Create(all.Schema, ModelSpecification.LogisticRegression);
        double alone = Enumerable.Range(0, splits).Average(split =>
        {
            (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, split);
            var options = new LocalTrainingOptions { Epochs = 200, LearningRate = 0.5, L2Regularization = 0.001, Seed = split };
            return scenario.Partition(train, 10, partition, split).Average(bank => ModelMetrics.RocAuc(scorecard.PredictProbabilities(scorecard.Train(scorecard.CreateInitialWeights(), bank, options), test), test.Labels));
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{partition} by {scenario.BandFeature}: bank alone {alone:F4}"));
        foreach (int rounds in List(4, "10,20,40").Select(r => (int)r))
        {
            foreach (double lr in List(5, "3,10,30"))
            {
                foreach (double clip in List(6, "1,3"))
                {
                    var line = new List<string>();
                    foreach (double epsilon in new[] { 1.0, 1e9 })
                    {
                        double sigma = epsilon > 1e6 ? 0 : DdgAccountant.CalibrateNoise(1, DdgDiscreteness.None, rounds, epsilon, 1e-5);
                        double auc = Enumerable.Range(0, splits).Average(split => Simulate(all, scenario, partition, split, rounds, lr, clip, sigma));
                        line.Add(string.Create(CultureInfo.InvariantCulture, $"ε={epsilon}: {auc:F4}"));
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"T={rounds} lr={lr} C={clip}: {string.Join("  ", line)}"));
                }
            }
        }
    }

    private static double Simulate(CreditDataset all, BenchScenario scenario, string partition, int split, int rounds, double lr, double clip, double sigma)
    {
        (CreditDataset train, CreditDataset test) = all.StratifiedSplit(0.25, split);
        IReadOnlyList<CreditDataset> banks = scenario.Partition(train, 10, partition, split);
        CreditModel model = CreditModel.Create(all.Schema, scenario.Model);
        double[] w = model.CreateInitialWeights();
        DpSgdSimulation.Train(model, w, banks, train.RowCount, split, rounds, lr, clip, sigma);
        return ModelMetrics.RocAuc(model.PredictProbabilities(w, test), test.Labels);
    }
}
