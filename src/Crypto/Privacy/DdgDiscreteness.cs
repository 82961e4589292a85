namespace PrivateFl.Crypto.Privacy;

/// <summary>
/// How far one round's noise, a sum of independent discrete Gaussians, is from a single discrete Gaussian, as the
/// RDP bound of the distributed discrete Gaussian needs it (Kairouz, Liu and Steinke, ICML 2021, Thm. 1 and Prop. 14;
/// specs/privacy.md §3).
/// </summary>
/// <param name="Tau">τ = 10 Σ_{k=1}^{n−1} exp(−2π²σ_c²·k/(k+1)) (KLS21 Thm. 1), or an upper bound on it; 0 for one discrete Gaussian.</param>
/// <param name="Dimension">d, the number of coordinates the noise is added to.</param>
/// <param name="L1ToL2Ratio">Δ₁/Δ₂, the L1 sensitivity over the L2 sensitivity (at most √d; at most Δ₂ for integer vectors); at least 1.</param>
public readonly record struct DdgDiscreteness(double Tau, int Dimension, double L1ToL2Ratio)
{
    /// <summary>Gets the discreteness of a single discrete Gaussian (τ = 0): its RDP is that of the continuous Gaussian.</summary>
    public static DdgDiscreteness None => new(0, 0, 1);
}
