using System.Numerics;

namespace PrivateFl.Crypto.Internal;

/// <summary>Unbiased integer sampling on top of an <see cref="IRandomSource"/>.</summary>
internal static class RandomSourceExtensions
{
    /// <summary>Returns a uniform integer in [0, <paramref name="exclusiveBound"/>).</summary>
    /// <remarks>
    /// Masked rejection sampling: draws as many bits as the bound needs and retries above it, so the
    /// result carries no modulo bias and the expected number of draws is below two.
    /// </remarks>
    public static ulong NextBelow(this IRandomSource random, ulong exclusiveBound)
    {
        if (exclusiveBound <= 1)
        {
            return 0;
        }

        ulong mask = ulong.MaxValue >> BitOperations.LeadingZeroCount(exclusiveBound - 1);
        while (true)
        {
            ulong candidate = random.NextUInt64() & mask;
            if (candidate < exclusiveBound)
            {
                return candidate;
            }
        }
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="exclusiveBound"/>) for 128-bit bounds.</summary>
    public static UInt128 NextBelow(this IRandomSource random, UInt128 exclusiveBound)
    {
        if (exclusiveBound <= ulong.MaxValue)
        {
            return random.NextBelow((ulong)exclusiveBound);
        }

        UInt128 mask = UInt128.MaxValue >> (int)UInt128.LeadingZeroCount(exclusiveBound - 1);
        while (true)
        {
            var candidate = new UInt128(random.NextUInt64(), random.NextUInt64()) & mask;
            if (candidate < exclusiveBound)
            {
                return candidate;
            }
        }
    }

    /// <summary>Returns true with probability <paramref name="numerator"/> / <paramref name="denominator"/>.</summary>
    public static bool NextBernoulli(this IRandomSource random, UInt128 numerator, UInt128 denominator)
        => random.NextBelow(denominator) < numerator;

    /// <summary>Returns a fair coin.</summary>
    public static bool NextBit(this IRandomSource random) => (random.NextUInt64() & 1) == 1;
}
