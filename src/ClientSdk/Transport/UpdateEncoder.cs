using PrivateFl.Crypto.Encoding;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>Computes and encodes this client's update for a round, from the round's public training plan.</summary>
internal static class UpdateEncoder
{
    /// <summary>
    /// The L2 bound of one client's vector (specs/api.md, "Updates"): C for a federated-averaging delta; batch
    /// size × C for a sum of per-example gradients each clipped to C. The server derives the same.
    /// </summary>
    public static double UpdateNorm(TrainingPlan plan) =>
        plan.Rule == AggregationRule.GradientSum ? plan.ClipNorm * plan.BatchSize : plan.ClipNorm;

    public static uint[] Compute(RoundAnnouncement announcement, CreditDataset data, int seed)
    {
        TrainingPlan plan = announcement.Training;
        double[] global = [.. announcement.Model.Weights];
        double[] update;
        if (plan.Rule == AggregationRule.GradientSum)
        {
            update = LocalTrainer.PerExampleGradientSum(global, data, SampleRows(data.RowCount, plan), plan.ClipNorm);
        }
        else
        {
            var options = new LocalTrainingOptions
            {
                Epochs = (int)plan.LocalEpochs,
                LearningRate = plan.LearningRate,
                L2Regularization = plan.L2Regularisation,
                BatchSize = plan.BatchSize >= data.RowCount ? null : (int)plan.BatchSize,
                Seed = seed,
            };
            double[] local = LocalTrainer.Train(global, data, options);
            update = new double[global.Length];
            for (int i = 0; i < update.Length; i++)
            {
                update[i] = local[i] - global[i];
            }
        }

        uint[] encoded = new uint[update.Length];
        new FixedPointQuantizer(UpdateNorm(plan), plan.QuantizationScale, announcement.Participants.Count).Encode(update, encoded);
        return encoded;
    }

    /// <summary>
    /// Poisson sampling of rows with the plan's rate (CSPRNG: which rows are used is private), capped at the
    /// plan's batch size.
    /// </summary>
    private static List<int> SampleRows(int rowCount, TrainingPlan plan)
    {
        var rows = new List<int>();
        Span<byte> bits = stackalloc byte[sizeof(ulong)];
        for (int row = 0; row < rowCount && rows.Count < plan.BatchSize; row++)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bits);
            double uniform = (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bits) >> 11) * (1.0 / (1UL << 53));
            if (plan.SamplingRate >= 1 || uniform < plan.SamplingRate)
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
