using PrivateFl.Crypto.Encoding;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// The encoding both sides derive from a session's public training plan (specs/api.md, "Updates"): the L2
/// bound of one client's update and the quantizer for a round of n clients.
/// </summary>
internal static class UpdateEncoding
{
    /// <summary>
    /// The L2 bound of one client's vector: C for a federated-averaging delta; batch size × C for a sum of
    /// per-example gradients each clipped to C.
    /// </summary>
    public static double UpdateNorm(TrainingPlanData plan) =>
        plan.Rule == AggregationRuleKind.GradientSum ? plan.ClipNorm * plan.BatchSize : plan.ClipNorm;

    public static FixedPointQuantizer Quantizer(TrainingPlanData plan, int clients, long noiseBound = 0) =>
        new(UpdateNorm(plan), plan.QuantizationScale, clients, noiseBound);
}
