using PrivateFl.ClientSdk;

namespace PrivateFl.Benchmarks;

/// <summary>
/// The DP-SGD arithmetic of the real stack without the network, for hyperparameter searches: each round the banks'
/// clipped per-example gradient sums are added, Gaussian noise σC is added to the sum, and the server steps over the
/// public row count (optionally with heavy-ball momentum, which the server does not offer).
/// </summary>
internal static class DpSgdSimulation
{
    /// <summary>Trains <paramref name="weights"/> in place.</summary>
    public static void Train(CreditModel model, double[] weights, IReadOnlyList<CreditDataset> banks, double rows, int seed, int rounds, double learningRate, double clip, double sigma, double momentum = 0)
    {
        var random = new Random(seed);
        double[] velocity = new double[weights.Length];
        for (int round = 0; round < rounds; round++)
        {
            double[] total = new double[weights.Length];
            foreach (CreditDataset bank in banks)
            {
                double[] g = model.PerExampleGradientSum(weights, bank, [.. Enumerable.Range(0, bank.RowCount)], clip);
                for (int i = 0; i < weights.Length; i++)
                {
                    total[i] += g[i];
                }
            }

            for (int i = 0; i < weights.Length; i++)
            {
                double u1 = 1 - random.NextDouble();
                double u2 = random.NextDouble();
                double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                velocity[i] = (momentum * velocity[i]) + (learningRate * (total[i] + (sigma * clip * gaussian)) / rows);
                weights[i] -= velocity[i];
            }
        }
    }
}
