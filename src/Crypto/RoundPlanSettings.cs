using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto;

/// <summary>
/// The public settings of a training session from which every round's plan is derived: the secure-aggregation
/// policy, the update encoding and the differential privacy. The server reads them from the session it stores, each
/// bank from the round announcement; both then compute the same <see cref="RoundPlan"/> with the one code below.
/// </summary>
/// <remarks>
/// This record holds values and does not check them: the server validates them when the session is created, and a
/// bank refuses an announcement whose values give no valid plan (<see cref="RoundPlan.Create"/>,
/// <see cref="CreateQuantizer"/> and the accountant throw). Two settings are equal exactly when every value is.
/// </remarks>
public sealed record RoundPlanSettings
{
    /// <summary>Gets d, the number of model parameters each client's vector holds.</summary>
    public required int ModelLength { get; init; }

    /// <summary>Gets the adversary model of secure aggregation.</summary>
    public required SecAggMode Mode { get; init; }

    /// <summary>Gets the neighbour graph the session asks for (see <see cref="SecAggPolicy.Graph"/>).</summary>
    public required NeighbourGraphKind Graph { get; init; }

    /// <summary>Gets δ_dropout in [0, 1), the fraction of clients expected to drop out of a round.</summary>
    public required double DropoutRate { get; init; }

    /// <summary>Gets γ in [0, 1), the fraction of clients that may collude with the server.</summary>
    public required double CorruptedFraction { get; init; }

    /// <summary>Gets σ_sec in bits; 0 means <see cref="SecAggParameters.DefaultSecurityBits"/>. Default: 0.</summary>
    public int SecurityBits { get; init; }

    /// <summary>Gets η in bits; 0 means <see cref="SecAggParameters.DefaultCorrectnessBits"/>. Default: 0.</summary>
    public int CorrectnessBits { get; init; }

    /// <summary>Gets what one client's vector is.</summary>
    public required UpdateRule Rule { get; init; }

    /// <summary>Gets C, the L2 bound of one record's gradient (<see cref="UpdateRule.GradientSum"/>) or of one client's delta.</summary>
    public required double ClipNorm { get; init; }

    /// <summary>Gets the batch size B of the training plan; it bounds a gradient sum by B·C.</summary>
    public required long BatchSize { get; init; }

    /// <summary>Gets s, the quantization units per unit of an update.</summary>
    public required double QuantizationScale { get; init; }

    /// <summary>Gets the Poisson sampling rate of the training plan, in (0, 1].</summary>
    public required double SamplingRate { get; init; }

    /// <summary>Gets what the session's differential privacy protects. Default: <see cref="PrivacyMode.None"/>.</summary>
    public PrivacyMode Privacy { get; init; }

    /// <summary>Gets z, the total noise's standard deviation over the sensitivity. Default: 0 (none).</summary>
    public double NoiseMultiplier { get; init; }

    /// <summary>Gets whether the session has differential privacy (record- or client-level).</summary>
    public bool HasDifferentialPrivacy => Privacy != PrivacyMode.None;

    /// <summary>
    /// Gets the settings as the secure-aggregation derivation takes them: t = t_max exactly when the session has
    /// differential privacy, whose noise is sized for the survivors (specs/protocol.md §2.3).
    /// </summary>
    public SecAggPolicy Policy => new(Mode, Graph, DropoutRate, CorruptedFraction, SecurityBits, CorrectnessBits, MaximizeThreshold: HasDifferentialPrivacy);

    /// <summary>
    /// Gets the L2 bound of one client's vector (specs/api.md, "Updates"): C for a federated-averaging delta; B × C for
    /// a sum of per-example gradients each clipped to C.
    /// </summary>
    public double UpdateNorm => Rule == UpdateRule.GradientSum ? ClipNorm * BatchSize : ClipNorm;

    /// <summary>
    /// Gets q, the rate at which a record (record level) or a client's update (client level: each client samples itself
    /// in secret and otherwise contributes only its noise) enters a round; 1 without differential privacy.
    /// </summary>
    public double EffectiveSamplingRate => HasDifferentialPrivacy ? SamplingRate : 1;

    /// <summary>Gets Δ, the L2 sensitivity in quantized units (<see cref="DistributedNoise.Sensitivity"/>).</summary>
    public double Sensitivity => DistributedNoise.Sensitivity(ClipNorm, QuantizationScale, ModelLength, Privacy == PrivacyMode.RecordLevel);

    /// <summary>
    /// m = max(t, ⌊(1 − δ_dropout)·n⌋), the fewest survivors a differentially private round may release a sum from
    /// (<see cref="DistributedNoise.MinimumSurvivors"/>); computed whatever the privacy mode.
    /// </summary>
    /// <param name="participants">n.</param>
    /// <param name="threshold">t.</param>
    /// <returns>m.</returns>
    public int MinimumSurvivors(int participants, int threshold) =>
        DistributedNoise.MinimumSurvivors(participants, threshold, DropoutRate);

    /// <summary>
    /// The fewest survivors the server may release a sum from and each client may unmask for: m with differential
    /// privacy, 0 without (a round without noise needs only the t shares secure aggregation asks for).
    /// </summary>
    /// <param name="participants">n.</param>
    /// <param name="threshold">t.</param>
    /// <returns>m, or 0.</returns>
    public int RequiredSurvivors(int participants, int threshold) =>
        HasDifferentialPrivacy ? MinimumSurvivors(participants, threshold) : 0;

    /// <summary>Each client's noise σ_client = z·Δ/√m in quantized units for a round of n and t; 0 without differential privacy.</summary>
    /// <param name="participants">n.</param>
    /// <param name="threshold">t.</param>
    /// <returns>σ_client.</returns>
    public double ClientSigma(int participants, int threshold) =>
        HasDifferentialPrivacy ? DistributedNoise.ClientSigma(NoiseMultiplier, Sensitivity, MinimumSurvivors(participants, threshold)) : 0;

    /// <summary>
    /// Whether a round's noise is one the privacy accountant covers: always without differential privacy, else σ_client
    /// in [<see cref="DistributedNoise.MinimumClientSigma"/>, <see cref="DiscreteGaussian.MaxSigma"/>]
    /// (<see cref="DistributedNoise.IsClientSigmaAllowed"/>).
    /// </summary>
    /// <param name="participants">n.</param>
    /// <param name="threshold">t.</param>
    /// <returns>Whether the round may run with this noise.</returns>
    /// <remarks>m need not be monotone in n (t follows the graph), so each round is checked, not only the ends of the session's range.</remarks>
    public bool IsClientSigmaAccountable(int participants, int threshold) =>
        !HasDifferentialPrivacy || DistributedNoise.IsClientSigmaAllowed(ClientSigma(participants, threshold));

    /// <summary>
    /// τ, d and Δ₁/Δ₂ a round with at most <paramref name="clients"/> summands is accounted with
    /// (<see cref="DistributedNoise.Discreteness"/>, specs/privacy.md §3).
    /// </summary>
    /// <param name="clients">The most clients whose noise a round's sum can hold.</param>
    /// <returns>The discreteness bound.</returns>
    public DdgDiscreteness Discreteness(int clients) => DistributedNoise.Discreteness(Sensitivity, ModelLength, clients);

    /// <summary>A round as the privacy accountant takes it: q, z and the discreteness for at most <paramref name="clients"/> summands.</summary>
    /// <param name="clients">The most clients whose noise a round's sum can hold.</param>
    /// <returns>The accounted round.</returns>
    public DdgRound AccountingRound(int clients) => new(EffectiveSamplingRate, NoiseMultiplier, Discreteness(clients));

    /// <summary>The quantizer of a round whose sum holds <paramref name="summands"/> encodings, each with noise up to <paramref name="noiseBound"/>.</summary>
    /// <param name="summands">n.</param>
    /// <param name="noiseBound">The largest noise magnitude per coordinate in quantized units; 0 for none (decoding alone does not depend on it).</param>
    /// <returns>The quantizer over <see cref="UpdateNorm"/> and <see cref="QuantizationScale"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The encoding is invalid, or a sum of n encodings could wrap.</exception>
    public FixedPointQuantizer CreateQuantizer(int summands, long noiseBound = 0) =>
        new(UpdateNorm, QuantizationScale, summands, noiseBound);
}
