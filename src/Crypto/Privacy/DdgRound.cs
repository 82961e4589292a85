namespace PrivateFl.Crypto.Privacy;

/// <summary>One round of the distributed discrete Gaussian mechanism as the privacy accountant sees it (specs/privacy.md §3).</summary>
/// <param name="SamplingRate">q in [0, 1]: the Poisson rate at which a record (record level) or a client (client level) enters the round.</param>
/// <param name="NoiseMultiplier">σ: the standard deviation of the round's total noise over the L2 sensitivity Δ₂; positive.</param>
/// <param name="Discreteness">τ, d and Δ₁/Δ₂ of the round's noise.</param>
public readonly record struct DdgRound(double SamplingRate, double NoiseMultiplier, DdgDiscreteness Discreteness);
