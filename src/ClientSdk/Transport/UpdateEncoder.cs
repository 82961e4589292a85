using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
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

    /// <summary>q: the rate at which one of this bank's records (record level) or its update (client level) enters a round.</summary>
    public static double SamplingRate(RoundAnnouncement announcement) =>
        announcement.Privacy?.Mode is DpMode.RecordLevel or DpMode.ClientLevel ? announcement.Training.SamplingRate : 1;

    /// <summary>The noise each client adds, derived by the client itself from the announced public parameters.</summary>
    public static double ClientSigma(RoundAnnouncement announcement)
    {
        PrivacySettings? privacy = announcement.Privacy;
        if (privacy is null || privacy.Mode is DpMode.None or DpMode.Unspecified)
        {
            return 0;
        }

        return DistributedNoise.ClientSigma(privacy.NoiseMultiplier, Sensitivity(announcement), MinimumSurvivors(announcement));
    }

    /// <summary>
    /// The round as this bank's ledger accounts it (specs/privacy.md §3): q, σ and the discreteness bound for at most the
    /// announced participants, each adding σ_client ≥ 4 (refused otherwise, <see cref="AnnouncementValidator"/>).
    /// </summary>
    public static DdgRound AccountingRound(RoundAnnouncement announcement)
    {
        PrivacySettings privacy = announcement.Privacy ?? throw new ArgumentException("The round has no privacy settings.", nameof(announcement));
        return new DdgRound(SamplingRate(announcement), privacy.NoiseMultiplier, DistributedNoise.Discreteness(Sensitivity(announcement), (int)announcement.VectorLength, announcement.Participants.Count));
    }

    private static double Sensitivity(RoundAnnouncement announcement) =>
        DistributedNoise.Sensitivity(announcement.Training.ClipNorm, announcement.Training.QuantizationScale, (int)announcement.VectorLength, announcement.Privacy.Mode == DpMode.RecordLevel);

    /// <summary>m: the fewest survivors this client lets a DP round release a sum from (0 without DP).</summary>
    public static int MinimumSurvivors(RoundAnnouncement announcement)
    {
        PrivacySettings? privacy = announcement.Privacy;
        return privacy is null || privacy.Mode is DpMode.None or DpMode.Unspecified
            ? 0
            : DistributedNoise.MinimumSurvivors(announcement.Participants.Count, (int)announcement.Threshold, announcement.SecAgg.DropoutRate);
    }

    public static uint[] Compute(RoundAnnouncement announcement, CreditDataset data, CreditModel model, int seed)
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
        double clientSigma = ClientSigma(announcement);
        FixedPointQuantizer quantizer;
        try
        {
            quantizer = new FixedPointQuantizer(UpdateNorm(plan), plan.QuantizationScale, announcement.Participants.Count, clientSigma == 0 ? 0 : DistributedNoise.NoiseBound(clientSigma));
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
