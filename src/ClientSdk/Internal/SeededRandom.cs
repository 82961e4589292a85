using System.Numerics;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// A small deterministic generator (xoshiro256**, seeded through SplitMix64; Blackman and Vigna 2018) for
/// splits, shards and mini-batch order. Not for secrets. Unlike <see cref="Random"/>, its sequence is fixed
/// by this code, so a seed gives the same split and the same weights on every runtime and machine.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SeededRandom(long seed)
    {
        ulong state = unchecked((ulong)seed);
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="exclusiveMaximum"/>) without modulo bias (Lemire 2019).</summary>
    public int NextInt(int exclusiveMaximum)
    {
        ulong range = (ulong)exclusiveMaximum;
        ulong threshold = unchecked(0UL - range) % range;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold)
            {
                return (int)high;
            }
        }
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
