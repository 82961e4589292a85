using System.Numerics;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Privacy;

/// <summary>
/// Exact sampling from the discrete Gaussian N_Z(0, σ²), P(x) ∝ exp(−x² / 2σ²) on the integers, by the
/// rejection sampler of Canonne, Kamath and Steinke (NeurIPS 2020, Algorithms 1–3), using only integer
/// arithmetic and CSPRNG bits (specs/protocol.md, "Discrete Gaussian").
/// </summary>
/// <remarks>
/// Floating-point samplers leak through their rounding (Mironov 2012); this one never computes an
/// exponential. The sampler is exact for σ̃² = a / 2^k, the smallest such rational with a of about 41 bits
/// that is ≥ σ²: so σ̃ ≥ σ (privacy is never weakened) and σ̃² − σ² ≤ 2^−40 · σ².
/// </remarks>
public sealed class DiscreteGaussian
{
    /// <summary>The smallest supported σ.</summary>
    public const double MinSigma = 0.1;

    /// <summary>The largest supported σ (2^24).</summary>
    public const double MaxSigma = 16_777_216;

    private const int TargetNumeratorBits = 40;

    private readonly UInt128 _varianceNumerator;   // a
    private readonly UInt128 _varianceDenominator; // b = 2^k
    private readonly ulong _laplaceScale;          // t = ⌊σ⌋ + 1
    private readonly UInt128 _acceptanceDenominator; // 2·a·b·t²

    /// <summary>Creates a sampler for N_Z(0, σ²).</summary>
    /// <param name="sigma">σ, from <see cref="MinSigma"/> to <see cref="MaxSigma"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ is not finite or out of range.</exception>
    public DiscreteGaussian(double sigma)
    {
        if (!double.IsFinite(sigma) || sigma < MinSigma || sigma > MaxSigma)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"σ must be finite, from {MinSigma} to {MaxSigma}.");
        }

        Sigma = sigma;
        (_varianceNumerator, _varianceDenominator) = ExactUpperVariance(sigma);
        _laplaceScale = (ulong)Math.Floor(sigma) + 1;
        _acceptanceDenominator = 2 * _varianceNumerator * _varianceDenominator * _laplaceScale * _laplaceScale;
        SigmaSquaredUsed = (double)_varianceNumerator / (double)_varianceDenominator;
    }

    /// <summary>Gets the σ requested.</summary>
    public double Sigma { get; }

    /// <summary>Gets σ̃², the parameter the sampler is exact for (≥ σ², within a relative 2^−40).</summary>
    public double SigmaSquaredUsed { get; }

    /// <summary>Fills <paramref name="destination"/> with independent samples.</summary>
    /// <param name="destination">Receives the samples.</param>
    public void Sample(Span<long> destination)
    {
        using var random = new SecureRandom();
        Sample(destination, random);
    }

    /// <summary>Adds independent samples to a vector over Z_(2^32) (noise in quantized units, wrapped).</summary>
    /// <param name="destination">The vector to noise.</param>
    public void AddTo(Span<uint> destination)
    {
        using var random = new SecureRandom();
        AddTo(destination, random);
    }

    internal void Sample(Span<long> destination, IRandomSource random)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Next(random);
        }
    }

    internal void AddTo(Span<uint> destination, IRandomSource random)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = unchecked(destination[i] + (uint)Next(random));
        }
    }

    /// <summary>CKS Algorithm 3: Y ~ Lap_Z(t), accepted with probability exp(−(|Y| − σ²/t)² / 2σ²).</summary>
    internal long Next(IRandomSource random)
    {
        while (true)
        {
            long y = NextDiscreteLaplace(random);

            // (|Y| − σ²/t)² / 2σ² with σ² = a/b equals (|Y|·b·t − a)² / (2·a·b·t²).
            Int128 offset = ((Int128)Math.Abs(y) * (Int128)_varianceDenominator * _laplaceScale) - (Int128)_varianceNumerator;
            UInt128 magnitude = (UInt128)Int128.Abs(offset);
            bool accepted = magnitude < (UInt128.One << 63)
                ? BernoulliExpMinus(magnitude * magnitude, _acceptanceDenominator, random)
                : BernoulliExpMinus(BigInteger.Pow((BigInteger)magnitude, 2), _acceptanceDenominator, random);
            if (accepted)
            {
                return y;
            }
        }
    }

    /// <summary>CKS Algorithm 2 with s = 1: a discrete Laplace sample with scale t.</summary>
    private long NextDiscreteLaplace(IRandomSource random)
    {
        while (true)
        {
            ulong u = random.NextBelow(_laplaceScale);
            if (!BernoulliExpMinusFraction(u, _laplaceScale, random))
            {
                continue;
            }

            ulong v = 0;
            while (BernoulliExpMinusFraction(1, 1, random))
            {
                v++;
            }

            ulong x = u + (_laplaceScale * v);
            bool negative = random.NextBit();
            if (negative && x == 0)
            {
                continue;
            }

            return negative ? -(long)x : (long)x;
        }
    }

    /// <summary>CKS Algorithm 1: Bernoulli(exp(−n/d)) for any n ≥ 0.</summary>
    private static bool BernoulliExpMinus(UInt128 numerator, UInt128 denominator, IRandomSource random)
    {
        UInt128 whole = numerator / denominator;
        for (UInt128 i = 0; i < whole; i++)
        {
            if (!BernoulliExpMinusFraction(1, 1, random))
            {
                return false;
            }
        }

        return BernoulliExpMinusFraction(numerator % denominator, denominator, random);
    }

    private static bool BernoulliExpMinus(BigInteger numerator, UInt128 denominator, IRandomSource random)
    {
        BigInteger whole = BigInteger.DivRem(numerator, (BigInteger)denominator, out BigInteger remainder);
        for (BigInteger i = 0; i < whole; i++)
        {
            if (!BernoulliExpMinusFraction(1, 1, random))
            {
                return false;
            }
        }

        return BernoulliExpMinusFraction((UInt128)remainder, denominator, random);
    }

    /// <summary>Bernoulli(exp(−γ)) for γ = n/d ∈ [0, 1]: the parity of the first K with Bernoulli(γ/K) = 0.</summary>
    private static bool BernoulliExpMinusFraction(UInt128 numerator, UInt128 denominator, IRandomSource random)
    {
        UInt128 k = 1;
        while (random.NextBernoulli(numerator, denominator * k))
        {
            k++;
        }

        return (k & 1) == 1;
    }

    /// <summary>Returns the smallest a / 2^k ≥ σ² with a of about 41 bits (k ≥ 0), computed exactly from σ's bits.</summary>
    private static (UInt128 Numerator, UInt128 Denominator) ExactUpperVariance(double sigma)
    {
        long bits = BitConverter.DoubleToInt64Bits(sigma);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1075;
        ulong mantissa = (ulong)(bits & ((1L << 52) - 1)) | (1UL << 52);
        UInt128 mantissaSquared = (UInt128)mantissa * mantissa; // σ² = m² · 2^(2e) exactly

        int k = Math.Max(0, TargetNumeratorBits - (int)Math.Floor(Math.Log2(sigma * sigma)));
        int shift = (2 * exponent) + k; // a = ⌈m² · 2^shift⌉
        UInt128 numerator = shift >= 0
            ? mantissaSquared << shift
            : (mantissaSquared + (UInt128.One << -shift) - 1) >> -shift;
        return (numerator, UInt128.One << k);
    }
}
