using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Server.Coordination;

/// <summary>The public privacy arithmetic of a session (specs/privacy.md); the SDK derives the same.</summary>
internal static class PrivacyPlan
{
    /// <summary>
    /// q: the rate at which a record (record level) or a client's update (client level: each client samples itself in
    /// secret and otherwise contributes only its noise) enters a round.
    /// </summary>
    public static double SamplingRate(SessionDefinition definition) =>
        definition.Privacy.Mode == DpModeKind.None ? 1 : definition.Training.SamplingRate;

    /// <summary>Δ in quantized units.</summary>
    public static double Sensitivity(SessionDefinition definition) =>
        DistributedNoise.Sensitivity(definition.Training.ClipNorm, definition.Training.QuantizationScale, definition.ModelLength, definition.Privacy.Mode == DpModeKind.RecordLevel);

    /// <summary>
    /// m: the fewest survivors a DP round may release a sum from, max(t, ⌊(1 − δ_dropout)·n⌋). The server aborts a
    /// round with fewer, and each client refuses to unmask one, so the noise can be sized for m rather than t.
    /// </summary>
    public static int MinimumSurvivors(SessionDefinition definition, int participants, int threshold) =>
        DistributedNoise.MinimumSurvivors(participants, threshold, definition.SecAgg.DropoutRate);

    /// <summary>Each client's noise σ for a round of n participants and threshold t; 0 without DP.</summary>
    public static double ClientSigma(SessionDefinition definition, int participants, int threshold) =>
        definition.Privacy.Mode == DpModeKind.None ? 0 : DistributedNoise.ClientSigma(definition.Privacy.NoiseMultiplier, Sensitivity(definition), MinimumSurvivors(definition, participants, threshold));

    /// <summary>
    /// Refuses a round whose σ_client lies outside the range the accountant covers (<see cref="DistributedNoise.IsClientSigmaAllowed"/>).
    /// Session creation checks the smallest and the largest round; m = max(t, ⌊(1 − δ)n⌋) need not be monotone in n
    /// (t follows the graph parameters), so each round is checked again when it opens rather than trusting the ends.
    /// </summary>
    /// <exception cref="ArgumentException">The round's σ_client is outside [4, <see cref="DiscreteGaussian.MaxSigma"/>].</exception>
    public static void RequireAccountableClientSigma(SessionDefinition definition, int participants, int threshold)
    {
        double clientSigma = ClientSigma(definition, participants, threshold);
        if (definition.Privacy.Mode != DpModeKind.None && !DistributedNoise.IsClientSigmaAllowed(clientSigma))
        {
            throw new ArgumentException($"each client would add noise of σ_client = {clientSigma:G4} quantized units, outside {DistributedNoise.MinimumClientSigma} to {DiscreteGaussian.MaxSigma} where the privacy accounting holds.");
        }
    }

    public static long NoiseBound(double clientSigma) => clientSigma == 0 ? 0 : DistributedNoise.NoiseBound(clientSigma);

    /// <summary>
    /// τ, d and Δ₁/Δ₂ every round of the session is accounted with: τ at the smallest σ_client a round may carry and the
    /// session's most clients, which bounds every round's τ (specs/privacy.md §3); the SDK bounds it per round the same way.
    /// </summary>
    public static DdgDiscreteness Discreteness(SessionDefinition definition) =>
        DistributedNoise.Discreteness(Sensitivity(definition), definition.ModelLength, definition.MaximumClients);

    /// <summary>ε after <paramref name="completedRounds"/> released models; 0 without DP.</summary>
    public static double EpsilonAfter(SessionDefinition definition, int completedRounds) =>
        definition.Privacy.Mode == DpModeKind.None || completedRounds == 0
            ? 0
            : DdgAccountant.Epsilon(new DdgRound(SamplingRate(definition), definition.Privacy.NoiseMultiplier, Discreteness(definition)), completedRounds, definition.Privacy.Delta);
}
