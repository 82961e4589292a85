namespace PrivateFl.Crypto.Internal;

/// <summary>
/// GF(p) for the Mersenne prime p = 2^61 − 1, the field of PrivateFl's Shamir sharing
/// (specs/protocol.md, "Secret sharing").
/// </summary>
/// <remarks>
/// A Mersenne modulus reduces a 122-bit product with a shift and an add, and every operation here is
/// branch-free, so the time taken does not depend on the (secret) operands.
/// </remarks>
internal readonly struct MersenneField61 : IPrimeField
{
    public const ulong P = (1UL << 61) - 1;

    public static ulong Modulus => P;

    public static ulong Add(ulong a, ulong b) => ReduceOnce(a + b);

    public static ulong Subtract(ulong a, ulong b) => ReduceOnce(a + P - b);

    public static ulong Multiply(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        ulong folded = (low & P) + ((low >> 61) | (high << 3));
        return ReduceOnce(folded);
    }

    /// <summary>Maps [0, 2p) to [0, p) without a branch.</summary>
    private static ulong ReduceOnce(ulong value)
    {
        ulong reduced = value - P;
        ulong keepOriginal = (ulong)((long)reduced >> 63);
        return (value & keepOriginal) | (reduced & ~keepOriginal);
    }
}
