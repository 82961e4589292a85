using System.Numerics;
using System.Runtime.InteropServices;

namespace PrivateFl.Crypto.Privacy;

/// <summary>L2-norm clipping, the sensitivity bound of every DP mechanism in PrivateFl.</summary>
public static class Clipping
{
    /// <summary>Computes the Euclidean norm of a vector.</summary>
    /// <param name="values">The vector.</param>
    /// <returns>‖values‖₂.</returns>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static double L2Norm(ReadOnlySpan<double> values) => Math.Sqrt(SumOfSquares(values, 1.0));

    /// <summary>
    /// Returns the factor f ≤ 1 such that ‖f · values‖₂ ≤ <paramref name="clipNorm"/> holds in floating point,
    /// and f = 1 when the vector is already within the norm.
    /// </summary>
    /// <param name="values">The vector.</param>
    /// <param name="clipNorm">The norm bound C, positive and finite.</param>
    /// <returns>The scaling factor.</returns>
    /// <exception cref="ArgumentOutOfRangeException">C is not positive and finite.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static double ClipFactor(ReadOnlySpan<double> values, double clipNorm)
    {
        if (!double.IsFinite(clipNorm) || clipNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        double normSquared = SumOfSquares(values, 1.0);
        if (normSquared <= clipNorm * clipNorm && Math.Sqrt(normSquared) <= clipNorm)
        {
            return 1.0;
        }

        // C / ‖x‖ can land a few ulps high after rounding; step down until the scaled norm, computed the
        // same way a checker would, is within C, so the bound holds exactly and not just approximately.
        double factor = clipNorm / Math.Sqrt(normSquared);
        while (Math.Sqrt(SumOfSquares(values, factor)) > clipNorm)
        {
            factor = Math.BitDecrement(factor);
        }

        return factor;
    }

    /// <summary>Scales <paramref name="values"/> in place so that its L2 norm is at most <paramref name="clipNorm"/>.</summary>
    /// <param name="values">The vector to clip.</param>
    /// <param name="clipNorm">The norm bound C, positive and finite.</param>
    /// <returns>The factor applied (1 when no clipping was needed).</returns>
    /// <exception cref="ArgumentOutOfRangeException">C is not positive and finite.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static double ClipInPlace(Span<double> values, double clipNorm)
    {
        double factor = ClipFactor(values, clipNorm);
        if (factor < 1.0)
        {
            foreach (ref double value in values)
            {
                value *= factor;
            }
        }

        return factor;
    }

    private static double SumOfSquares(ReadOnlySpan<double> values, double factor)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            var accumulator = Vector<double>.Zero;
            var scale = new Vector<double>(factor);
            ReadOnlySpan<Vector<double>> vectors = MemoryMarshal.Cast<double, Vector<double>>(values);
            foreach (Vector<double> vector in vectors)
            {
                Vector<double> scaled = vector * scale;
                accumulator += scaled * scaled;
            }

            sum = Vector.Sum(accumulator);
            i = vectors.Length * Vector<double>.Count;
        }

        for (; i < values.Length; i++)
        {
            double scaled = values[i] * factor;
            sum += scaled * scaled;
        }

        if (!double.IsFinite(sum))
        {
            throw new ArgumentException("The vector contains a NaN or infinite value, or its norm overflows.", nameof(values));
        }

        return sum;
    }
}
