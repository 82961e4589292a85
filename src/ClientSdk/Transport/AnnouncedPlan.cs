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
    /// <exception cref="ArgumentException">The announcement has no training plan.</exception>
    public static RoundPlanSettings Settings(RoundAnnouncement announcement)
    {
        TrainingPlan training = announcement.Training ?? throw new ArgumentException("The announcement has no training plan.", nameof(announcement));

        // A missing secure-aggregation block is refused by the validator; the privacy accounting, which runs first, does
        // not read it, so it gets the neutral values here rather than a crash.
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
