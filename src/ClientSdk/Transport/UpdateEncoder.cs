using PrivateFl.Crypto;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>Computes and encodes this client's update for a round, from the round's public training plan.</summary>
internal static class UpdateEncoder
{
    /// <summary>
    /// The round as this bank's ledger accounts it (specs/privacy.md §3): q, σ and the discreteness bound for at most the
    /// announced participants, each adding σ_client ≥ 4 (refused otherwise, <see cref="AnnouncementValidator"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The round has no privacy settings, or parameters the accountant cannot take.</exception>
    public static DdgRound AccountingRound(RoundAnnouncement announcement)
    {
        _ = announcement.Privacy ?? throw new ArgumentException("The round has no privacy settings.", nameof(announcement));
        return AnnouncedPlan.Settings(announcement).AccountingRound(announcement.Participants.Count);
    }

    /// <summary>
    /// Trains on the bank's data and encodes the update with the round's plan: <paramref name="roundPlan"/> is the bank's own
    /// derivation (<see cref="AnnouncementValidator.ValidatePlan"/>), never the announced values.
    /// </summary>
    public static uint[] Compute(RoundAnnouncement announcement, RoundPlan roundPlan, CreditDataset data, CreditModel model, int seed)
    {
        TrainingPlan plan = announcement.Training;
        double[] global = [.. announcement.Model.Weights];
        double[] update;
        if (plan.Rule == AggregationRule.GradientSum)
        {
            update = model.PerExampleGradientSum(global, data, SampleRows(data.RowCount, plan), plan.ClipNorm);
        }
        else if (plan.SamplingRate < 1 && !Sampled(plan.SamplingRate))
        {
            // Client sampling done in secret: an unsampled bank still takes part, but its update is zero, so neither the
            // server nor anyone else learns whether this bank's data entered the round (amplification holds against all).
            update = new double[global.Length];
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
            double[] local = model.Train(global, data, options);
            update = new double[global.Length];
            for (int i = 0; i < update.Length; i++)
            {
                update[i] = local[i] - global[i];
            }
        }

        uint[] encoded = new uint[update.Length];
        double clientSigma = roundPlan.ClientSigma;
        FixedPointQuantizer quantizer;
        try
        {
            quantizer = roundPlan.CreateQuantizer();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new FederationException($"Round {announcement.RoundNumber}: the announced encoding cannot be summed without wrapping: {ex.Message}", ex);
        }

        quantizer.Encode(update, encoded);
        if (clientSigma > 0)
        {
            // This bank's share of the noise, in quantized units, added before masking: no party sees a noise-free sum.
            new DiscreteGaussian(clientSigma).AddTo(encoded);
        }

        return encoded;
    }

    private static bool Sampled(double rate)
    {
        Span<byte> bits = stackalloc byte[sizeof(ulong)];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bits);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bits) >> 11) * (1.0 / (1UL << 53)) < rate;
    }

    /// <summary>
    /// Poisson sampling of rows with the plan's rate (CSPRNG: which rows are used is private). The sum of their clipped
    /// gradients is then clipped to batch size × C by the quantizer, a 1-Lipschitz map that keeps one record's
    /// influence within C.
    /// </summary>
    private static List<int> SampleRows(int rowCount, TrainingPlan plan)
    {
        var rows = new List<int>();
        Span<byte> bits = stackalloc byte[sizeof(ulong)];
        for (int row = 0; row < rowCount; row++)
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
