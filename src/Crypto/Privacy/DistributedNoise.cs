namespace PrivateFl.Crypto.Privacy;

/// <summary>
/// The distributed discrete Gaussian mechanism (Kairouz, Liu and Steinke, ICML 2021) as PrivateFl runs it: every
/// client adds discrete Gaussian noise to its quantized update before masking, so that any t survivors together
/// add variance at least (σ·Δ)², and no party ever sees a noise-free sum (specs/privacy.md, "Mechanisms").
/// </summary>
public static class DistributedNoise
{
    /// <summary>The smallest per-client σ (quantized units) allowed: the sum of discrete Gaussians is then a discrete Gaussian to within e^−150 (KLS21 Thm. 1).</summary>
    public const double MinimumClientSigma = 4;

    /// <summary>How many standard deviations of noise the quantizer's headroom allows for (a tail of 10^−32 per coordinate).</summary>
    public const double NoiseTailBound = 12;

    /// <summary>
    /// The L2 sensitivity, in quantized units, of one client's quantized update when one record (record level) or the
    /// whole client (client level) changes: s·C plus the stochastic rounding, which moves each of the d coordinates by
    /// less than one unit, so two roundings differ by less than 2 per coordinate (record level) and one rounding by less
    /// than 1 (client level, where the neighbour sends nothing).
    /// </summary>
    /// <param name="clipNorm">C, the L2 bound of one record's (or one client's) contribution.</param>
    /// <param name="scale">s, quantization units per unit.</param>
    /// <param name="dimension">d.</param>
    /// <param name="recordLevel">Whether neighbouring data sets differ in one record (true) or one client (false).</param>
    /// <returns>Δ in quantized units.</returns>
    public static double Sensitivity(double clipNorm, double scale, int dimension, bool recordLevel) =>
        (clipNorm * scale) + ((recordLevel ? 2 : 1) * Math.Sqrt(dimension));

    /// <summary>
    /// m = max(t, ⌊(1 − δ_dropout)·n⌋): the fewest survivors a differentially private round may release a sum from. The
    /// server aborts a round with fewer and every client refuses to unmask one, so each client's noise can be sized for
    /// m survivors instead of t (which, in a sparse SecAgg+ graph, is far below n).
    /// </summary>
    /// <param name="participants">n.</param>
    /// <param name="threshold">t.</param>
    /// <param name="dropoutRate">δ_dropout, the expected dropout rate of the session.</param>
    /// <returns>m.</returns>
    public static int MinimumSurvivors(int participants, int threshold, double dropoutRate) =>
        Math.Max(threshold, (int)Math.Floor((1 - dropoutRate) * participants));

    /// <summary>Each client's noise: σ_client = σ·Δ/√m, so that any m clients together add variance (σ·Δ)².</summary>
    /// <param name="noiseMultiplier">σ.</param>
    /// <param name="sensitivity">Δ in quantized units.</param>
    /// <param name="threshold">m, the fewest survivors a round can release a sum from.</param>
    /// <returns>σ_client in quantized units.</returns>
    public static double ClientSigma(double noiseMultiplier, double sensitivity, int threshold) =>
        noiseMultiplier * sensitivity / Math.Sqrt(threshold);

    /// <summary>τ of KLS21 Theorem 1: how far a sum of n discrete Gaussians of σ_client is from one discrete Gaussian.</summary>
    /// <param name="clientSigma">σ_client.</param>
    /// <param name="clients">n.</param>
    /// <returns>τ = 10 Σ_{k=1}^{n−1} exp(−2π²σ²·k/(k+1)).</returns>
    public static double DiscretenessTau(double clientSigma, int clients)
    {
        double tau = 0;
        for (int k = 1; k < clients; k++)
        {
            tau += 10 * Math.Exp(-2 * Math.PI * Math.PI * clientSigma * clientSigma * k / (k + 1));
        }

        return tau;
    }

    /// <summary>
    /// Whether a round may run with each client adding noise of σ_client: at least <see cref="MinimumClientSigma"/>, where the
    /// accountant's discreteness bound (<see cref="Discreteness"/>) holds, and at most <see cref="DiscreteGaussian.MaxSigma"/>.
    /// The server checks it when a session is created and every client checks it for every round it is announced.
    /// </summary>
    /// <param name="clientSigma">σ_client in quantized units.</param>
    /// <returns>Whether σ_client is in [<see cref="MinimumClientSigma"/>, <see cref="DiscreteGaussian.MaxSigma"/>].</returns>
    public static bool IsClientSigmaAllowed(double clientSigma) =>
        clientSigma >= MinimumClientSigma && clientSigma <= DiscreteGaussian.MaxSigma;

    /// <summary>
    /// The discreteness every round of a session is accounted with (specs/privacy.md §3): τ of KLS21 Theorem 1 at the
    /// smallest noise a round may carry (σ_client = <see cref="MinimumClientSigma"/>, <see cref="IsClientSigmaAllowed"/>) and
    /// <paramref name="clients"/> summands, which bounds τ of any round with σ_client ≥ 4 and at most that many survivors
    /// (τ grows with the summands and shrinks with σ_client); d; and Δ₁/Δ₂ = min(√d, Δ), since the difference of two
    /// quantized vectors is an integer vector (|x| ≤ x², so ‖x‖₁ ≤ ‖x‖₂²) of L2 norm at most Δ.
    /// </summary>
    /// <param name="sensitivity">Δ in quantized units.</param>
    /// <param name="dimension">d.</param>
    /// <param name="clients">The most clients whose noise a round's sum can hold.</param>
    /// <returns>The bound, independent of σ, so that calibration and both ledgers use one value.</returns>
    public static DdgDiscreteness Discreteness(double sensitivity, int dimension, int clients) =>
        new(DiscretenessTau(MinimumClientSigma, clients), dimension, Math.Max(1, Math.Min(Math.Sqrt(dimension), sensitivity)));

    /// <summary>The per-coordinate noise bound the quantizer's headroom must allow for: ⌈12·σ_client⌉.</summary>
    /// <param name="clientSigma">σ_client.</param>
    /// <returns>The bound in quantized units.</returns>
    public static long NoiseBound(double clientSigma) => (long)Math.Ceiling(NoiseTailBound * clientSigma);
}
