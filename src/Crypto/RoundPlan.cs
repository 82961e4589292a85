using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto;

/// <summary>
/// Everything public about one round that follows from the session's settings and the round's size: the
/// secure-aggregation parameters (graph, k, t), the survivors a release needs, each client's noise and the encoding.
/// The server computes it to announce a round; every bank computes it again from the announcement and refuses the
/// round unless each announced value equals its own (specs/protocol.md §2.3).
/// </summary>
/// <remarks>
/// This is the one definition of the rules both sides apply: neither the server nor the SDK composes them itself, so
/// a change here changes both, and a property test checks that the server's announcement equals the bank's
/// re-derivation field by field.
/// </remarks>
public sealed class RoundPlan
{
    private RoundPlan(RoundPlanSettings settings, SecAggParameters parameters)
    {
        Settings = settings;
        Parameters = parameters;
        MinimumSurvivors = settings.MinimumSurvivors(parameters.ParticipantCount, parameters.Threshold);
        RequiredSurvivors = settings.RequiredSurvivors(parameters.ParticipantCount, parameters.Threshold);
        ClientSigma = settings.ClientSigma(parameters.ParticipantCount, parameters.Threshold);
        NoiseBound = ClientSigma == 0 ? 0 : DistributedNoise.NoiseBound(ClientSigma);
    }

    /// <summary>Gets the session settings the plan was derived from.</summary>
    public RoundPlanSettings Settings { get; }

    /// <summary>Gets the round's secure-aggregation parameters (<see cref="SecAggParameters.ForRound"/>).</summary>
    public SecAggParameters Parameters { get; }

    /// <summary>Gets n, the number of participants.</summary>
    public int Participants => Parameters.ParticipantCount;

    /// <summary>Gets m = max(t, ⌊(1 − δ_dropout)·n⌋), whatever the privacy mode (<see cref="RoundPlanSettings.MinimumSurvivors"/>).</summary>
    public int MinimumSurvivors { get; }

    /// <summary>Gets the fewest survivors a sum may be released from: m with differential privacy, 0 without.</summary>
    public int RequiredSurvivors { get; }

    /// <summary>Gets σ_client, the discrete Gaussian noise each client adds, in quantized units; 0 without differential privacy.</summary>
    public double ClientSigma { get; }

    /// <summary>Gets ⌈12·σ_client⌉, the per-coordinate noise the quantizer's headroom allows for; 0 without noise.</summary>
    public long NoiseBound { get; }

    /// <summary>
    /// Gets whether the round's noise is one the privacy accountant covers: always without differential privacy, else
    /// σ_client in [<see cref="DistributedNoise.MinimumClientSigma"/>, <see cref="DiscreteGaussian.MaxSigma"/>].
    /// </summary>
    public bool IsClientSigmaAccountable => Settings.IsClientSigmaAccountable(Participants, Parameters.Threshold);

    /// <summary>Derives the plan of a round of <paramref name="participants"/> clients.</summary>
    /// <param name="settings">The session's settings.</param>
    /// <param name="participants">n.</param>
    /// <param name="round">The round's identity (its graph seed fixes a sparse graph).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> or <paramref name="round"/> is null.</exception>
    /// <exception cref="ArgumentException">The settings give no safe secure-aggregation parameters for n (specs/protocol.md §2.2); the message names the rule.</exception>
    public static RoundPlan Create(RoundPlanSettings settings, int participants, RoundIdentity round)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(round);
        return new RoundPlan(settings, SecAggParameters.ForRound(settings.Policy, participants, settings.ModelLength, round));
    }

    /// <summary>The quantizer every client of the round encodes with: n summands and the round's noise bound.</summary>
    /// <returns>The quantizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The encoding is invalid, or a sum of n noisy encodings could wrap.</exception>
    public FixedPointQuantizer CreateQuantizer() => Settings.CreateQuantizer(Participants, NoiseBound);
}
