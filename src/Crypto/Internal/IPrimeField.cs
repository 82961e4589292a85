namespace PrivateFl.Crypto.Internal;

/// <summary>
/// Arithmetic in a prime field GF(p) on canonical representatives in [0, p). Abstract so that the Shamir
/// polynomial code can be proven on a field small enough to enumerate (tests) and run on the real one.
/// </summary>
internal interface IPrimeField
{
    static abstract ulong Modulus { get; }

    static abstract ulong Add(ulong a, ulong b);

    static abstract ulong Subtract(ulong a, ulong b);

    static abstract ulong Multiply(ulong a, ulong b);
}
