using System.Globalization;
using PrivateFl.ClientSdk;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Benchmarks;

/// <summary>
/// Chooses the multilayer perceptron's hyperparameters without looking at the test set: for each split seed the same
/// stratified 25% test set as the utility benchmark is set aside untouched, and a stratified 20% validation set is carved
/// from the remaining training rows; the 10 banks share the other 80%. Each candidate is trained with the DP-SGD
/// arithmetic of the real stack (clipped per-example gradients summed over the banks, Gaussian noise σC on the sum,
/// σ from the same accountant for the whole training at the given ε and δ = 10^−5, the server step over the public
/// denominator) and scored by validation ROC AUC. Logistic regression runs the same way as the reference.
/// Arguments: dataset, partition, splits, ε (Infinity = no DP), then candidates "hidden:activation:rounds:η_s:C:outputInit[:β]"
/// separated by spaces ("lr" as hidden for logistic regression; outputInit zero, the model's own start, or glorot, the
/// earlier random output row; β a heavy-ball momentum on the server step, 0 by default, which the server does not offer).
/// </summary>
internal static class MlpTuning
{
    public static void Run(string[] args)
    {
        string dataset = args.Length > 0 ? args[0] : "taiwan";
        string partition = args.Length > 1 ? args[1] : "iid";
        int splits = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        double epsilon = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        string[] candidates = args.Length > 4 ? args[4..] : ["lr:-:20:10:1:-", "16:tanh:20:10:1:glorot", "16:tanh:20:10:1:zero"];
        BenchScenario scenario = BenchScenario.Create(dataset, "mlp");
        CreditDataset all = DatasetLoader.LoadCsv(BenchScenario.DataPath(scenario.File), scenario.Schema);
        var folds = Enumerable.Range(0, splits).Select(split =>
        {
            (CreditDataset train, _) = all.StratifiedSplit(0.25, split);
            (CreditDataset fit, CreditDataset validation) = train.StratifiedSplit(0.2, 1000 + split);
            return (Banks: scenario.Partition(fit, 10, partition, split), Validation: validation, Rows: fit.RowCount, Seed: split);
        }).ToList();
        foreach (string candidate in candidates)
        {
            string[] p = candidate.Split(':');
            ModelSpecification specification = p[0] == "lr"
                ? ModelSpecification.LogisticRegression
                : ModelSpecification.MultilayerPerceptron([int.Parse(p[0], CultureInfo.InvariantCulture)], p[1] == "relu" ? HiddenActivation.Relu : HiddenActivation.Tanh, 1, linearSkip: true);
            int rounds = int.Parse(p[2], CultureInfo.InvariantCulture);
            double lr = double.Parse(p[3], CultureInfo.InvariantCulture);
            double clip = double.Parse(p[4], CultureInfo.InvariantCulture);
            bool zeroOutput = p[5] == "zero";
            double momentum = p.Length > 6 ? double.Parse(p[6], CultureInfo.InvariantCulture) : 0;
            double sigma = double.IsInfinity(epsilon) ? 0 : DdgAccountant.CalibrateNoise(1, DdgDiscreteness.None, rounds, epsilon, 1e-5);
            CreditModel model = CreditModel.Create(all.Schema, specification);
            var aucs = folds.Select(f => Simulate(model, f.Banks, f.Validation, f.Rows, f.Seed, rounds, lr, clip, sigma, zeroOutput, momentum)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{candidate,-28} σ={sigma:F2}  validation AUC {aucs.Average():F4}  ({string.Join(", ", aucs.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))})"));
        }
    }

    private static double Simulate(CreditModel model, IReadOnlyList<CreditDataset> banks, CreditDataset validation, int rows, int seed, int rounds, double lr, double clip, double sigma, bool zeroOutput, double momentum)
    {
        double[] w = model.CreateInitialWeights();
        if (!zeroOutput && model.Specification.Kind == CreditModelKind.MultilayerPerceptron)
        {
            // The earlier initialisation, for comparison: the output row Glorot-uniform as in the network without the linear path.
            ModelSpecification s = model.Specification;
            double[] plain = CreditModel.Create(model.Schema, ModelSpecification.MultilayerPerceptron(s.HiddenUnits, s.Activation, s.InitializationSeed)).CreateInitialWeights();
            Array.Copy(plain, w, plain.Length);
        }

        DpSgdSimulation.Train(model, w, banks, rows, seed, rounds, lr, clip, sigma, momentum);
        return ModelMetrics.RocAuc(model.PredictProbabilities(w, validation), validation.Labels);
    }
}
