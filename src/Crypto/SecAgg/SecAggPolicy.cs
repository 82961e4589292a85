namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// A session's secure-aggregation settings: everything from which the server derives each round's parameters and
/// every client re-derives them (specs/protocol.md §2.3). Server and clients call the one derivation,
/// <see cref="SecAggParameters.ForRound"/>, so they cannot disagree.
/// </summary>
/// <param name="Mode">The adversary model.</param>
/// <param name="Graph">The graph the session asks for: <see cref="NeighbourGraphKind.Harary"/> means "the SecAgg+ derivation", which gives the complete graph in active mode and for small n.</param>
/// <param name="DropoutRate">δ in [0, 1).</param>
/// <param name="CorruptedFraction">γ in [0, 1).</param>
/// <param name="SecurityBits">σ; 0 means the default, <see cref="SecAggParameters.DefaultSecurityBits"/> (a zero-valued proto field).</param>
/// <param name="CorrectnessBits">η; 0 means the default, <see cref="SecAggParameters.DefaultCorrectnessBits"/> (a zero-valued proto field).</param>
/// <param name="MaximizeThreshold">Take t = t_max instead of the default t: true exactly when the session has differential privacy (record- or client-level), whose noise is sized for t survivors.</param>
public sealed record SecAggPolicy(
    SecAggMode Mode,
    NeighbourGraphKind Graph,
    double DropoutRate,
    double CorruptedFraction,
    int SecurityBits = 0,
    int CorrectnessBits = 0,
    bool MaximizeThreshold = false)
{
    /// <summary>Gets σ with the default applied.</summary>
    public int EffectiveSecurityBits => SecurityBits == 0 ? SecAggParameters.DefaultSecurityBits : SecurityBits;

    /// <summary>Gets η with the default applied.</summary>
    public int EffectiveCorrectnessBits => CorrectnessBits == 0 ? SecAggParameters.DefaultCorrectnessBits : CorrectnessBits;
}
