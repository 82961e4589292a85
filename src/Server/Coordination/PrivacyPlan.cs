using PrivateFl.Crypto;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// The public privacy arithmetic of a session (specs/privacy.md), read from the one definition server and SDK share:
/// <see cref="RoundPlanSettings"/> built from the session, which the bank builds from the announcement.
/// </summary>
internal static class PrivacyPlan
{
    /// <summary>The session's settings as the shared round plan takes them.</summary>
    public static RoundPlanSettings Settings(SessionDefinition definition) => new()
    {
        ModelLength = definition.ModelLength,
        Mode = definition.SecAgg.Mode,
        Graph = definition.SecAgg.Graph,
        DropoutRate = definition.SecAgg.DropoutRate,
        CorruptedFraction = definition.SecAgg.CorruptedFraction,
        SecurityBits = definition.SecAgg.SecurityBits,
        CorrectnessBits = definition.SecAgg.CorrectnessBits,
        Rule = RuleOf(definition.Training.Rule),
        ClipNorm = definition.Training.ClipNorm,
        BatchSize = definition.Training.BatchSize,
        QuantizationScale = definition.Training.QuantizationScale,
        SamplingRate = definition.Training.SamplingRate,
        Privacy = definition.Privacy.Mode switch
        {
            DpModeKind.RecordLevel => PrivacyMode.RecordLevel,
            DpModeKind.ClientLevel => PrivacyMode.ClientLevel,
            _ => PrivacyMode.None,
        },
        NoiseMultiplier = definition.Privacy.NoiseMultiplier,
    };

    /// <summary>The round plan of a round of <paramref name="participants"/> (<see cref="RoundPlan.Create"/>).</summary>
    /// <exception cref="ArgumentException">The settings give no safe secure-aggregation parameters for n.</exception>
    public static RoundPlan ForRound(SessionDefinition definition, int participants, Crypto.SecAgg.RoundIdentity identity) =>
        RoundPlan.Create(Settings(definition), participants, identity);

    /// <summary>q (<see cref="RoundPlanSettings.EffectiveSamplingRate"/>).</summary>
    public static double SamplingRate(SessionDefinition definition) => Settings(definition).EffectiveSamplingRate;

    /// <summary>Δ in quantized units (<see cref="RoundPlanSettings.Sensitivity"/>).</summary>
    public static double Sensitivity(SessionDefinition definition) => Settings(definition).Sensitivity;

    /// <summary>m = max(t, ⌊(1 − δ_dropout)·n⌋) (<see cref="RoundPlanSettings.MinimumSurvivors"/>).</summary>
    public static int MinimumSurvivors(SessionDefinition definition, int participants, int threshold) =>
        Settings(definition).MinimumSurvivors(participants, threshold);

    /// <summary>Each client's noise σ for a round of n participants and threshold t; 0 without DP (<see cref="RoundPlanSettings.ClientSigma"/>).</summary>
    public static double ClientSigma(SessionDefinition definition, int participants, int threshold) =>
        Settings(definition).ClientSigma(participants, threshold);

    /// <summary>
    /// Refuses a round whose σ_client lies outside the range the accountant covers (<see cref="RoundPlanSettings.IsClientSigmaAccountable"/>).
    /// Session creation checks the smallest and the largest round; m = max(t, ⌊(1 − δ)n⌋) need not be monotone in n
    /// (t follows the graph parameters), so each round is checked again when it opens rather than trusting the ends.
    /// </summary>
    /// <exception cref="ArgumentException">The round's σ_client is outside [4, <see cref="DiscreteGaussian.MaxSigma"/>].</exception>
    public static void RequireAccountableClientSigma(SessionDefinition definition, int participants, int threshold)
    {
        RoundPlanSettings settings = Settings(definition);
        double clientSigma = settings.ClientSigma(participants, threshold);
        if (!settings.IsClientSigmaAccountable(participants, threshold))
        {
            throw new ArgumentException($"each client would add noise of σ_client = {clientSigma:G4} quantized units, outside {DistributedNoise.MinimumClientSigma} to {DiscreteGaussian.MaxSigma} where the privacy accounting holds.");
        }
    }

    /// <summary>⌈12·σ_client⌉, or 0 without noise (<see cref="RoundPlan.NoiseBound"/>).</summary>
    public static long NoiseBound(double clientSigma) => clientSigma == 0 ? 0 : DistributedNoise.NoiseBound(clientSigma);

    /// <summary>
    /// τ, d and Δ₁/Δ₂ every round of the session is accounted with: τ at the smallest σ_client a round may carry and the
    /// most banks of one cohort (each cohort's sum is a release of its own, of disjoint banks), which bounds every round's τ (specs/privacy.md §3); the SDK bounds it per round the same way.
    /// </summary>
    public static DdgDiscreteness Discreteness(SessionDefinition definition) =>
        Settings(definition).Discreteness(definition.CohortSize);

    /// <summary>ε after <paramref name="completedRounds"/> released models; 0 without DP.</summary>
    public static double EpsilonAfter(SessionDefinition definition, int completedRounds)
    {
        RoundPlanSettings settings = Settings(definition);
        return !settings.HasDifferentialPrivacy || completedRounds == 0
            ? 0
            : DdgAccountant.Epsilon(settings.AccountingRound(definition.CohortSize), completedRounds, definition.Privacy.Delta);
    }

    /// <summary>
    /// The most rounds the session's budget pays for: the largest k with ε after k charges within the budget (int.MaxValue
    /// without DP). A round is charged when it reserves, before any cohort unmasks, and stays charged if it then aborts.
    /// </summary>
    public static int MaximumCharges(SessionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Privacy.Mode == DpModeKind.None || !Settings(definition).HasDifferentialPrivacy)
        {
            return int.MaxValue;
        }

        // ε grows with k: the largest k within the budget by bisection over [0, 2^20].
        int low = 0, high = 1 << 20;
        while (low < high)
        {
            int mid = low + ((high - low + 1) / 2);
            if (EpsilonAfter(definition, mid) <= definition.Privacy.EpsilonBudget * (1 + 1e-9))
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    internal static UpdateRule RuleOf(AggregationRuleKind rule) =>
        rule == AggregationRuleKind.GradientSum ? UpdateRule.GradientSum : UpdateRule.FederatedAveraging;
}
