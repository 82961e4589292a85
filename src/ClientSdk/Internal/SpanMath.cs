using System.Numerics;
using System.Runtime.InteropServices;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>The few vector kernels the models' hot loops need, SIMD-wide where the hardware allows.</summary>
internal static class SpanMath
{
    /// <summary>Σ xᵢ·yᵢ over equal-length spans.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var accumulator = Vector<double>.Zero;
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            ReadOnlySpan<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            for (int k = 0; k < xv.Length; k++)
            {
                accumulator += xv[k] * yv[k];
            }

            sum = Vector.Sum(accumulator);
            i = xv.Length * Vector<double>.Count;
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>y ← y + a·x over equal-length spans.</summary>
    public static void MultiplyAdd(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var scale = new Vector<double>(a);
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            Span<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            for (int k = 0; k < xv.Length; k++)
            {
                yv[k] += scale * xv[k];
            }

            i = xv.Length * Vector<double>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>y ← y + x.</summary>
    public static void Add(ReadOnlySpan<double> x, Span<double> y) => MultiplyAdd(1.0, x, y);
}
