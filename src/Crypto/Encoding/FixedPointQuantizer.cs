using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Crypto.Encoding;

/// <summary>
/// Maps real vectors into Z_(2^32) for secure aggregation and maps their sum back
/// (specs/protocol.md, "Quantization").
/// </summary>
/// <remarks>
/// <para>Encode: clip x to L2 norm C, multiply by the scale s, round each coordinate stochastically to
/// ⌊y⌋ or ⌊y⌋ + 1 with P(⌊y⌋ + 1) = y − ⌊y⌋ (so the rounding is unbiased), and wrap the integer into Z_(2^32).</para>
/// <para>Decode: read each coordinate of a sum as a signed 32-bit integer (the centred lift into
/// [−2^31, 2^31)) and divide by s. This is exact as long as every true coordinate of the sum lies in that
/// range, which the constructor guarantees by refusing any configuration where n · B ≥ 2^31, with B the
/// largest magnitude one encoded coordinate can have.</para>
/// <para>Error: each coordinate of a decoded sum of n encodings differs from the sum of the clipped inputs
/// by less than n / s (each rounding moves a coordinate by less than one unit).</para>
/// </remarks>
public sealed class FixedPointQuantizer
{
    private const int RandomChunk = 1024;
    private const long Headroom = int.MaxValue;

    /// <summary>Creates a quantizer and checks that sums of <paramref name="maxSummands"/> encodings cannot wrap.</summary>
    /// <param name="clipNorm">The L2 bound C applied before scaling; positive and finite.</param>
    /// <param name="scale">Quantization units per unit of the input; positive and finite.</param>
    /// <param name="maxSummands">The most encodings that will be summed (clients in a round); at least 1.</param>
    /// <param name="noiseBound">The largest magnitude, in quantized units, that noise added after encoding may reach (0 for none).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or n · B does not fit below 2^31.</exception>
    public FixedPointQuantizer(double clipNorm, double scale, int maxSummands, long noiseBound = 0)
    {
        if (!double.IsFinite(clipNorm) || clipNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSummands);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseBound);

        double scaledBound = Math.Ceiling(clipNorm * scale) + 1 + noiseBound;
        if (scaledBound * maxSummands > Headroom)
        {
            throw new ArgumentOutOfRangeException(
                nameof(scale),
                scale,
                $"The sum of {maxSummands} encodings bounded by {scaledBound:R} units per coordinate (C = {clipNorm:R}, scale = {scale:R}, noise bound = {noiseBound}) " +
                $"needs n · B = {scaledBound * maxSummands:R} < 2^31 = 2147483648 to decode without wrapping; lower the scale, the clip norm, the noise or the number of clients.");
        }

        ClipNorm = clipNorm;
        Scale = scale;
        MaxSummands = maxSummands;
        NoiseBound = noiseBound;
        CoordinateBound = (long)scaledBound;
    }

    /// <summary>Gets the L2 bound C applied before scaling.</summary>
    public double ClipNorm { get; }

    /// <summary>Gets the number of quantization units per unit of the input.</summary>
    public double Scale { get; }

    /// <summary>Gets the most encodings whose sum decodes without wrapping.</summary>
    public int MaxSummands { get; }

    /// <summary>Gets the bound on added noise, in quantized units, that the headroom allows for.</summary>
    public long NoiseBound { get; }

    /// <summary>Gets B = ⌈C · s⌉ + 1 + noise bound, the largest magnitude of one encoded coordinate.</summary>
    public long CoordinateBound { get; }

    /// <summary>Gets the bound n / s on the per-coordinate rounding error of a decoded sum of n encodings.</summary>
    /// <param name="summands">The number of encodings summed.</param>
    /// <returns>The error bound, in input units.</returns>
    public double RoundingErrorBound(int summands) => summands / Scale;

    /// <summary>Clips, scales, rounds stochastically (with CSPRNG randomness) and wraps a vector.</summary>
    /// <param name="values">The real vector; every value finite.</param>
    /// <param name="destination">Receives the encoding; same length.</param>
    /// <exception cref="ArgumentException">The lengths differ, or a value is not finite.</exception>
    public void Encode(ReadOnlySpan<double> values, Span<uint> destination)
    {
        using var random = new SecureRandom();
        Encode(values, destination, random);
    }

    internal void Encode(ReadOnlySpan<double> values, Span<uint> destination, IRandomSource random)
    {
        if (values.Length != destination.Length)
        {
            throw new ArgumentException($"The destination must have the input's length {values.Length}; got {destination.Length}.", nameof(destination));
        }

        double multiplier = Clipping.ClipFactor(values, ClipNorm) * Scale;
        Span<ulong> randomWords = stackalloc ulong[RandomChunk];
        try
        {
            for (int start = 0; start < values.Length; start += RandomChunk)
            {
                int length = Math.Min(RandomChunk, values.Length - start);
                Span<ulong> words = randomWords[..length];
                random.Fill(MemoryMarshal.AsBytes(words));
                RoundChunk(values.Slice(start, length), words, multiplier, destination.Slice(start, length));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(randomWords));
        }
    }

    /// <summary>Decodes a sum of encodings (centred lift, divide by the scale).</summary>
    /// <param name="sum">The sum mod 2^32.</param>
    /// <param name="destination">Receives the real sum; same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Decode(ReadOnlySpan<uint> sum, Span<double> destination)
    {
        if (sum.Length != destination.Length)
        {
            throw new ArgumentException($"The destination must have the sum's length {sum.Length}; got {destination.Length}.", nameof(destination));
        }

        ReadOnlySpan<int> signed = MemoryMarshal.Cast<uint, int>(sum);
        int i = 0;
        if (Vector.IsHardwareAccelerated && signed.Length >= Vector<int>.Count)
        {
            var scale = new Vector<double>(Scale);
            ReadOnlySpan<Vector<int>> source = MemoryMarshal.Cast<int, Vector<int>>(signed);
            for (int v = 0; v < source.Length; v++)
            {
                Vector.Widen(source[v], out Vector<long> low, out Vector<long> high);
                int offset = v * Vector<int>.Count;
                (Vector.ConvertToDouble(low) / scale).CopyTo(destination[offset..]);
                (Vector.ConvertToDouble(high) / scale).CopyTo(destination[(offset + Vector<long>.Count)..]);
            }

            i = source.Length * Vector<int>.Count;
        }

        for (; i < signed.Length; i++)
        {
            destination[i] = signed[i] / Scale;
        }
    }

    /// <summary>Returns the decoding of a single centred value, for callers that lift one coordinate.</summary>
    /// <param name="value">A coordinate of a sum mod 2^32.</param>
    /// <returns>The signed integer it represents.</returns>
    public static int CentredLift(uint value) => unchecked((int)value);

    private static void RoundChunk(ReadOnlySpan<double> values, ReadOnlySpan<ulong> randomWords, double multiplier, Span<uint> destination)
    {
        // u = (r >> 11) · 2^-53 is uniform on the 2^53 doubles of [0, 1); rounding up when u < frac(y)
        // happens with probability frac(y) to within 2^-53, which makes the rounding unbiased.
        const double UnitScale = 1.0 / (1UL << 53);
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            var factor = new Vector<double>(multiplier);
            var unit = new Vector<double>(UnitScale);
            ReadOnlySpan<Vector<double>> inputs = MemoryMarshal.Cast<double, Vector<double>>(values);
            ReadOnlySpan<Vector<ulong>> randomness = MemoryMarshal.Cast<ulong, Vector<ulong>>(randomWords);
            Span<long> rounded = stackalloc long[Vector<long>.Count];
            for (int v = 0; v < inputs.Length; v++)
            {
                Vector<double> scaled = inputs[v] * factor;
                Vector<double> floor = Vector.Floor(scaled);
                Vector<double> fraction = scaled - floor;
                Vector<double> uniform = Vector.ConvertToDouble(randomness[v] >> 11) * unit;
                Vector<long> roundUp = Vector.LessThan(uniform, fraction);
                Vector<long> result = Vector.ConvertToInt64(floor) - roundUp;
                result.CopyTo(rounded);
                int offset = v * Vector<double>.Count;
                for (int lane = 0; lane < rounded.Length; lane++)
                {
                    destination[offset + lane] = unchecked((uint)rounded[lane]);
                }
            }

            i = inputs.Length * Vector<double>.Count;
        }

        for (; i < values.Length; i++)
        {
            double scaled = values[i] * multiplier;
            double floor = Math.Floor(scaled);
            double uniform = (randomWords[i] >> 11) * UnitScale;
            long result = (long)floor + (uniform < scaled - floor ? 1 : 0);
            destination[i] = unchecked((uint)result);
        }
    }
}
