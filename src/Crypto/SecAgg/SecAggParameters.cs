using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The public, validated parameters of one secure-aggregation round: who takes part, the neighbour graph,
/// the Shamir threshold, the vector length and the adversary model (specs/protocol.md §2.2).
/// </summary>
/// <remarks>
/// The graph degree k and the threshold t are derived from n, the expected dropout rate δ and the fraction
/// γ of corrupted clients to tolerate, for <see cref="SecurityBits"/> of statistical security and
/// <see cref="CorrectnessBits"/> of correctness (Bell et al. CCS'20). A caller may override them only within
/// what that analysis allows; every refusal names the rule that broke.
/// </remarks>
public sealed class SecAggParameters
{
    /// <summary>The default statistical security: the adversary wins with probability below 2^−40.</summary>
    public const int DefaultSecurityBits = 40;

    /// <summary>The default correctness: a round fails for lack of neighbours with probability below 2^−20.</summary>
    public const int DefaultCorrectnessBits = 20;

    private SecAggParameters(
        int participantCount,
        int vectorLength,
        RoundIdentity round,
        SecAggMode mode,
        NeighbourGraphKind graphKind,
        int degree,
        int threshold,
        double dropoutRate,
        double corruptedFraction,
        int securityBits,
        int correctnessBits)
    {
        ParticipantCount = participantCount;
        VectorLength = vectorLength;
        Round = round;
        Mode = mode;
        GraphKind = graphKind;
        Degree = degree;
        Threshold = threshold;
        DropoutRate = dropoutRate;
        CorruptedFraction = corruptedFraction;
        SecurityBits = securityBits;
        CorrectnessBits = correctnessBits;
    }

    /// <summary>Gets n, the number of participants; their indices are 1 … n.</summary>
    public int ParticipantCount { get; }

    /// <summary>Gets d, the length of every input vector over Z_(2^32).</summary>
    public int VectorLength { get; }

    /// <summary>Gets the round's public identity (session, round number, graph seed).</summary>
    public RoundIdentity Round { get; }

    /// <summary>Gets the adversary model.</summary>
    public SecAggMode Mode { get; }

    /// <summary>Gets the kind of neighbour graph.</summary>
    public NeighbourGraphKind GraphKind { get; }

    /// <summary>Gets k, the number of neighbours of each client (n − 1 for the complete graph).</summary>
    public int Degree { get; }

    /// <summary>Gets t, how many of a client's neighbours must reveal shares to reconstruct its secrets.</summary>
    public int Threshold { get; }

    /// <summary>Gets δ, the fraction of clients expected to drop out during the round.</summary>
    public double DropoutRate { get; }

    /// <summary>Gets γ, the fraction of clients that may collude with the server.</summary>
    public double CorruptedFraction { get; }

    /// <summary>Gets σ: the adversary breaks the round's privacy with probability below 2^−σ.</summary>
    public int SecurityBits { get; }

    /// <summary>Gets η: honest clients fail to complete a round with probability below 2^−η.</summary>
    public int CorrectnessBits { get; }

    /// <summary>
    /// Derives one round's parameters from a session's settings: the single definition that the server uses to
    /// announce a round and that every client uses to re-derive and check the announcement (specs/protocol.md §2.3).
    /// </summary>
    /// <param name="policy">The session's settings.</param>
    /// <param name="participantCount">n, the number of announced participants.</param>
    /// <param name="vectorLength">d.</param>
    /// <param name="round">The round's identity.</param>
    /// <returns>The validated parameters.</returns>
    /// <exception cref="ArgumentException">A rule of specs/protocol.md §2.2 is broken; the message names it.</exception>
    public static SecAggParameters ForRound(SecAggPolicy policy, int participantCount, int vectorLength, RoundIdentity round)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!Enum.IsDefined(policy.Graph))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.Graph, "Unknown graph kind.");
        }

        return policy.Graph == NeighbourGraphKind.Harary
            ? SecAggPlus(participantCount, vectorLength, round, policy.Mode, policy.DropoutRate, policy.CorruptedFraction, securityBits: policy.EffectiveSecurityBits, correctnessBits: policy.EffectiveCorrectnessBits, maximizeThreshold: policy.MaximizeThreshold)
            : Complete(participantCount, vectorLength, round, policy.Mode, policy.DropoutRate, policy.CorruptedFraction, maximizeThreshold: policy.MaximizeThreshold);
    }

    /// <summary>Creates parameters for a complete graph (Bonawitz et al. CCS'17).</summary>
    /// <param name="participantCount">n, at least 2.</param>
    /// <param name="vectorLength">d, at least 1.</param>
    /// <param name="round">The round's identity.</param>
    /// <param name="mode">The adversary model.</param>
    /// <param name="dropoutRate">δ in [0, 1).</param>
    /// <param name="corruptedFraction">γ in [0, 1).</param>
    /// <param name="threshold">t; by default the smallest safe value that is also a majority of the neighbours.</param>
    /// <param name="maximizeThreshold">Take the largest t the expected dropouts allow instead (distributed DP: the noise is sized for t survivors, so a larger t wastes less of it).</param>
    /// <returns>The validated parameters.</returns>
    /// <exception cref="ArgumentException">A rule of specs/protocol.md §2.2 is broken; the message names it.</exception>
    public static SecAggParameters Complete(
        int participantCount,
        int vectorLength,
        RoundIdentity round,
        SecAggMode mode = SecAggMode.SemiHonest,
        double dropoutRate = 0.1,
        double corruptedFraction = 0.05,
        int? threshold = null,
        bool maximizeThreshold = false)
    {
        ValidateCommon(participantCount, vectorLength, round, mode, dropoutRate, corruptedFraction);
        int n = participantCount;
        int k = n - 1;
        int minimum = CompleteMinimumThreshold(n, corruptedFraction, mode);
        int maximum = CompleteMaximumThreshold(n, dropoutRate);
        int t = threshold ?? (maximizeThreshold ? Math.Max(minimum, Math.Min(maximum, k)) : Math.Min(Math.Max(minimum, (k / 2) + 1), maximum));
        ValidateThreshold(t, k, minimum, maximum, "complete graph");
        return new SecAggParameters(n, vectorLength, round, mode, NeighbourGraphKind.Complete, k, t, dropoutRate, corruptedFraction, DefaultSecurityBits, DefaultCorrectnessBits);
    }

    /// <summary>
    /// Creates SecAgg+ parameters (Bell et al. CCS'20): a random Harary graph of the smallest degree k that
    /// the analysis allows, or the complete graph when no sparser one does (small n). In active mode the result is
    /// always the complete graph with the active complete-graph thresholds: the server draws the graph seed and
    /// orders the participants, so a malicious server could place colluders around a target (specs/protocol.md §2.3).
    /// </summary>
    /// <param name="participantCount">n, at least 2.</param>
    /// <param name="vectorLength">d, at least 1.</param>
    /// <param name="round">The round's identity.</param>
    /// <param name="mode">The adversary model.</param>
    /// <param name="dropoutRate">δ in [0, 1).</param>
    /// <param name="corruptedFraction">γ in [0, 1).</param>
    /// <param name="degree">An override for k: even, at least the derived k, with the graph still connected whp; in active mode only n − 1 or more.</param>
    /// <param name="threshold">An override for t, within the range the analysis allows for k.</param>
    /// <param name="securityBits">σ, from 20 to 128.</param>
    /// <param name="correctnessBits">η, from 5 to 64.</param>
    /// <param name="maximizeThreshold">Take the largest t the analysis allows instead of the smallest (distributed DP).</param>
    /// <returns>The validated parameters.</returns>
    /// <exception cref="ArgumentException">A rule of specs/protocol.md §2.2 is broken; the message names it.</exception>
    public static SecAggParameters SecAggPlus(
        int participantCount,
        int vectorLength,
        RoundIdentity round,
        SecAggMode mode = SecAggMode.SemiHonest,
        double dropoutRate = 0.1,
        double corruptedFraction = 0.05,
        int? degree = null,
        int? threshold = null,
        int securityBits = DefaultSecurityBits,
        int correctnessBits = DefaultCorrectnessBits,
        bool maximizeThreshold = false)
    {
        ValidateCommon(participantCount, vectorLength, round, mode, dropoutRate, corruptedFraction);
        if (securityBits is < 20 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(securityBits), securityBits, "Rule P8: the statistical security σ must be 20 to 128 bits.");
        }

        if (correctnessBits is < 5 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(correctnessBits), correctnessBits, "Rule P8: the correctness η must be 5 to 64 bits.");
        }

        int n = participantCount;
        bool active = mode == SecAggMode.Active;
        double budget = active ? corruptedFraction + (2 * dropoutRate) : corruptedFraction + dropoutRate;
        if (budget > 0.9)
        {
            throw new ArgumentException(
                active
                    ? $"Rule P3: in active mode γ + 2δ must be at most 0.9 (Bell et al. CCS'20); got γ = {corruptedFraction:R}, δ = {dropoutRate:R}."
                    : $"Rule P3: γ + δ must be at most 0.9 (Bell et al. CCS'20); got γ = {corruptedFraction:R}, δ = {dropoutRate:R}.",
                nameof(corruptedFraction));
        }

        if (active)
        {
            if (degree is int sparse && sparse < n - 1)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(degree),
                    sparse,
                    $"Rule P9: active mode uses the complete graph (k = n − 1 = {n - 1}): the server draws the graph seed and orders the participants, so a sparse graph would let a malicious server choose a client's neighbours.");
            }

            return Complete(n, vectorLength, round, mode, dropoutRate, corruptedFraction, threshold, maximizeThreshold);
        }

        (int Degree, int Threshold)? derived = GraphParameterAnalysis.FindHarary(n, corruptedFraction, dropoutRate, active: false, securityBits, correctnessBits);
        if (derived is null || (degree is int wanted && wanted >= n - 1))
        {
            // No sparse graph is safe for this n (or the caller asked for all n − 1 neighbours).
            return Complete(n, vectorLength, round, mode, dropoutRate, corruptedFraction, threshold, maximizeThreshold);
        }

        int k = degree ?? derived.Value.Degree;
        if (k % 2 != 0 || k < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), k, "Rule P4: a Harary graph's degree k must be even and at least 2.");
        }

        if (k < derived.Value.Degree && !GraphParameterAnalysis.IsConnectedWhp(n, k, corruptedFraction, dropoutRate, securityBits))
        {
            throw new ArgumentOutOfRangeException(
                nameof(degree),
                k,
                $"Rule P5: with degree k = {k} the honest surviving clients are not connected with probability 1 − 2^−{securityBits} (Bell et al. CCS'20); the smallest safe degree is {derived.Value.Degree}.");
        }

        int minimum = GraphParameterAnalysis.MinimumThreshold(n, k, corruptedFraction, active: false, securityBits);
        int maximum = GraphParameterAnalysis.MaximumThreshold(n, k, dropoutRate, correctnessBits);
        if (minimum > maximum)
        {
            throw new ArgumentOutOfRangeException(
                nameof(degree),
                k,
                $"Rule P6: no threshold is both secure and correct for degree k = {k}: it needs t ≥ {minimum} and t ≤ {maximum}; use the derived degree {derived.Value.Degree} or more.");
        }

        int t = threshold ?? (maximizeThreshold ? maximum : minimum);
        ValidateThreshold(t, k, minimum, maximum, $"Harary graph of degree {k}");
        return new SecAggParameters(n, vectorLength, round, mode, NeighbourGraphKind.Harary, k, t, dropoutRate, corruptedFraction, securityBits, correctnessBits);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Round}: n = {ParticipantCount}, d = {VectorLength}, {Mode}, {GraphKind} k = {Degree}, t = {Threshold}";

    private static int CompleteMinimumThreshold(int n, double corruptedFraction, SecAggMode mode)
    {
        // Bonawitz et al. CCS'17 §6: t > ⌊γn⌋ colluding clients (semi-honest); 2t > k + ⌊γn⌋ (active), so that the
        // server cannot collect t shares of both of one honest client's secrets.
        int corrupted = GraphParameterAnalysis.CorruptedCount(n, corruptedFraction);
        int k = n - 1;
        int minimum = mode == SecAggMode.Active ? ((k + corrupted) / 2) + 1 : corrupted + 1;
        return Math.Max(minimum, Math.Min(2, k));
    }

    private static int CompleteMaximumThreshold(int n, double dropoutRate)
    {
        // Every client keeps at least S − 1 live neighbours when at most n − S drop, S = ⌈((1 − δ) − 10^−14)·n⌉;
        // the guard keeps binary64 rounding from adding a survivor: (1 − 0.7)·10 = 3.0000000000000004.
        return Math.Max(1, GraphParameterAnalysis.SurvivorCount(n, dropoutRate) - 1);
    }

    private static void ValidateThreshold(int threshold, int k, int minimum, int maximum, string graph)
    {
        if (threshold > k)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Rule P7: the threshold t = {threshold} exceeds the {k} neighbours of each client ({graph}).");
        }

        if (threshold < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Rule P6: the threshold t = {threshold} is too low for the {graph}: corrupted neighbours (or, in active mode, a lying server) could reach it; the minimum is {minimum}.");
        }

        if (threshold > maximum)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"Rule P6: the threshold t = {threshold} is too high for the {graph}: with the expected dropouts clients would not keep t live neighbours; the maximum is {maximum}.");
        }
    }

    private static void ValidateCommon(int participantCount, int vectorLength, RoundIdentity round, SecAggMode mode, double dropoutRate, double corruptedFraction)
    {
        ArgumentNullException.ThrowIfNull(round);
        if (participantCount < 2 || participantCount > Shamir.MaxShares)
        {
            throw new ArgumentOutOfRangeException(nameof(participantCount), participantCount, $"Rule P1: a round needs 2 to {Shamir.MaxShares} participants.");
        }

        if (vectorLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(vectorLength), vectorLength, "Rule P2: the vector length d must be at least 1.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }

        if (!(dropoutRate >= 0 && dropoutRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "Rule P3: the dropout rate δ must be in [0, 1).");
        }

        if (!(corruptedFraction >= 0 && corruptedFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(corruptedFraction), corruptedFraction, "Rule P3: the corrupted fraction γ must be in [0, 1).");
        }
    }
}
