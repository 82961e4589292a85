using PrivateFl.Crypto;
using PrivateFl.Crypto.Encoding;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// The encoding of a session's updates (specs/api.md, "Updates"), read from the one definition server and SDK share,
/// <see cref="RoundPlanSettings"/>.
/// </summary>
internal static class UpdateEncoding
{
    /// <summary>The L2 bound of one client's vector (<see cref="RoundPlanSettings.UpdateNorm"/>).</summary>
    public static double UpdateNorm(TrainingPlanData plan) => EncodingOf(plan).UpdateNorm;

    /// <summary>The quantizer of a round of <paramref name="clients"/> (<see cref="RoundPlanSettings.CreateQuantizer"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The encoding is invalid, or a sum of n encodings could wrap.</exception>
    public static FixedPointQuantizer Quantizer(TrainingPlanData plan, int clients, long noiseBound = 0) =>
        EncodingOf(plan).CreateQuantizer(clients, noiseBound);

    // The encoding reads only the training plan; the other settings take neutral values so callers that hold just the
    // plan (decoding a sum) need not carry the whole session.
    private static RoundPlanSettings EncodingOf(TrainingPlanData plan) => new()
    {
        ModelLength = 0,
        Mode = Crypto.SecAgg.SecAggMode.SemiHonest,
        Graph = Crypto.SecAgg.NeighbourGraphKind.Complete,
        DropoutRate = 0,
        CorruptedFraction = 0,
        Rule = PrivacyPlan.RuleOf(plan.Rule),
        ClipNorm = plan.ClipNorm,
        BatchSize = plan.BatchSize,
        QuantizationScale = plan.QuantizationScale,
        SamplingRate = plan.SamplingRate,
    };
}
