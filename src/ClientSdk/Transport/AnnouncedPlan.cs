using PrivateFl.Crypto;
using PrivateFl.Protocol.V1;
using CryptoGraph = PrivateFl.Crypto.SecAgg.NeighbourGraphKind;
using CryptoMode = PrivateFl.Crypto.SecAgg.SecAggMode;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Reads a round announcement's settings into the one definition server and bank share, <see cref="RoundPlanSettings"/>;
/// the bank then derives the round's plan itself (<see cref="RoundPlan"/>) rather than trusting the announced values.
/// </summary>
internal static class AnnouncedPlan
{
    /// <summary>The settings the announcement states, as the shared round plan takes them.</summary>
    /// <remarks>
    /// A missing training plan or secure-aggregation block reads as zero values (as protobuf reads an absent field):
    /// <see cref="AnnouncementValidator"/> refuses such an announcement by name, and the reads that may come before it
    /// (the bank's privacy accounting) or that need neither block (m needs only the privacy mode and δ_dropout) must not
    /// crash on it.
    /// </remarks>
    public static RoundPlanSettings Settings(RoundAnnouncement announcement)
    {
        TrainingPlan training = announcement.Training ?? new TrainingPlan();
        SecAggSettings secAgg = announcement.SecAgg ?? new SecAggSettings();
        return new RoundPlanSettings
        {
            ModelLength = (int)announcement.VectorLength,
            Mode = secAgg.Mode == Protocol.V1.SecAggMode.Active ? CryptoMode.Active : CryptoMode.SemiHonest,
            Graph = secAgg.Graph == Protocol.V1.NeighbourGraphKind.Harary ? CryptoGraph.Harary : CryptoGraph.Complete,
            DropoutRate = secAgg.DropoutRate,
            CorruptedFraction = secAgg.CorruptedFraction,
            SecurityBits = (int)Math.Min(secAgg.SecurityBits, int.MaxValue),
            CorrectnessBits = (int)Math.Min(secAgg.CorrectnessBits, int.MaxValue),
            Rule = training.Rule == AggregationRule.GradientSum ? UpdateRule.GradientSum : UpdateRule.FederatedAveraging,
            ClipNorm = training.ClipNorm,
            BatchSize = training.BatchSize,
            QuantizationScale = training.QuantizationScale,
            SamplingRate = training.SamplingRate,
            Privacy = announcement.Privacy?.Mode switch
            {
                DpMode.RecordLevel => PrivacyMode.RecordLevel,
                DpMode.ClientLevel => PrivacyMode.ClientLevel,
                _ => PrivacyMode.None,
            },
            NoiseMultiplier = announcement.Privacy?.NoiseMultiplier ?? 0,
        };
    }
}
