using System.Numerics;
using System.Runtime.InteropServices;

namespace PrivateFl.Crypto.Encoding;

/// <summary>
/// Vectorised arithmetic on vectors over Z_(2^32), the group in which PrivateFl masks and sums updates.
/// </summary>
/// <remarks>
/// Unsigned 32-bit wrap-around is exactly reduction mod 2^32, so every operation is a plain SIMD add or
/// subtract with no reduction step (specs/protocol.md, "The group").
/// </remarks>
public static class ModularVector
{
    /// <summary>destination[i] ← destination[i] + addend[i] (mod 2^32).</summary>
    /// <param name="destination">The vector to add into.</param>
    /// <param name="addend">The vector to add; same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Add(Span<uint> destination, ReadOnlySpan<uint> addend)
    {
        RequireSameLength(destination.Length, addend.Length, nameof(addend));
        AddCore(destination, addend);
    }

    /// <summary>destination[i] ← destination[i] − subtrahend[i] (mod 2^32).</summary>
    /// <param name="destination">The vector to subtract from.</param>
    /// <param name="subtrahend">The vector to subtract; same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Subtract(Span<uint> destination, ReadOnlySpan<uint> subtrahend)
    {
        RequireSameLength(destination.Length, subtrahend.Length, nameof(subtrahend));
        SubtractCore(destination, subtrahend);
    }

    /// <summary>destination ← Σ vectors (mod 2^32).</summary>
    /// <param name="vectors">The vectors to sum, all of the destination's length.</param>
    /// <param name="destination">Receives the sum; overwritten.</param>
    /// <exception cref="ArgumentException">A vector's length differs from the destination's.</exception>
    public static void Sum(IReadOnlyList<ReadOnlyMemory<uint>> vectors, Span<uint> destination)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        foreach (ReadOnlyMemory<uint> vector in vectors)
        {
            RequireSameLength(destination.Length, vector.Length, nameof(vectors));
        }

        destination.Clear();

        // Blocked so that a block of the destination stays in L1 while every vector is added into it.
        const int BlockLength = 4096;
        for (int start = 0; start < destination.Length; start += BlockLength)
        {
            int length = Math.Min(BlockLength, destination.Length - start);
            Span<uint> block = destination.Slice(start, length);
            foreach (ReadOnlyMemory<uint> vector in vectors)
            {
                AddCore(block, vector.Span.Slice(start, length));
            }
        }
    }

    internal static void AddCore(Span<uint> destination, ReadOnlySpan<uint> addend)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<uint>.Count)
        {
            Span<Vector<uint>> target = MemoryMarshal.Cast<uint, Vector<uint>>(destination);
            ReadOnlySpan<Vector<uint>> source = MemoryMarshal.Cast<uint, Vector<uint>>(addend);
            for (int v = 0; v < target.Length; v++)
            {
                target[v] += source[v];
            }

            i = target.Length * Vector<uint>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += addend[i];
        }
    }

    internal static void SubtractCore(Span<uint> destination, ReadOnlySpan<uint> subtrahend)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<uint>.Count)
        {
            Span<Vector<uint>> target = MemoryMarshal.Cast<uint, Vector<uint>>(destination);
            ReadOnlySpan<Vector<uint>> source = MemoryMarshal.Cast<uint, Vector<uint>>(subtrahend);
            for (int v = 0; v < target.Length; v++)
            {
                target[v] -= source[v];
            }

            i = target.Length * Vector<uint>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] -= subtrahend[i];
        }
    }

    private static void RequireSameLength(int expected, int actual, string parameterName)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Vectors must have the same length: expected {expected}, got {actual}.", parameterName);
        }
    }
}
