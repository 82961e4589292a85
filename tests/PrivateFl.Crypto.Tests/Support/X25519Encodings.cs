using System.Numerics;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>
/// X25519 public-key encodings an attacker can build from another party's key without knowing its secret
/// (RFC 7748 §5), computed independently of the code under test with <see cref="BigInteger"/>.
/// </summary>
internal static class X25519Encodings
{
    /// <summary>p = 2^255 − 19.</summary>
    public static readonly BigInteger P = (BigInteger.One << 255) - 19;

    /// <summary>
    /// Every 32-byte encoding whose X25519 result is all-zero for every clamped scalar: the u-coordinates of
    /// the points of order 1, 2, 4 and 8 on the curve and its twist (0, 1, p − 1 and the two order-8 points),
    /// their non-canonical aliases u + p below 2^255, and each of these with bit 255 set.
    /// </summary>
    public static readonly string[] SmallOrder = BuildSmallOrder();

    /// <summary>The same key with bit 255 flipped: X25519 masks that bit (RFC 7748 §5), so it agrees to the same secret.</summary>
    public static byte[] FlipBit255(ReadOnlySpan<byte> key)
    {
        byte[] flipped = key.ToArray();
        flipped[31] ^= 0x80;
        return flipped;
    }

    /// <summary>
    /// u(P + T) for T = (0, 0), the point of order 2: 1/u. A canonical, non-small-order key with other bytes that
    /// agrees to the same secret as u under every clamped scalar (a multiple of 8 kills T).
    /// </summary>
    public static byte[] TorsionShift(ReadOnlySpan<byte> key)
    {
        BigInteger u = ToInteger(key) % P;
        return ToBytes(BigInteger.ModPow(u, P - 2, P));
    }

    /// <summary>
    /// u(P + k·T8) for k = 1 … 7, T8 a point of order 8 on the curve: the seven other canonical keys of large order that
    /// agree to the same secret as u under every clamped scalar (k = 4 is <see cref="TorsionShift"/>). Affine Montgomery
    /// arithmetic on v² = u³ + 486662u² + u; <paramref name="key"/> must be on the curve (any honest public key is).
    /// </summary>
    public static byte[][] TorsionTranslates(ReadOnlySpan<byte> key)
    {
        BigInteger u = ToInteger(key) % P;
        var point = (X: u, Y: SquareRoot(CurveRight(u)));
        BigInteger t8 = ToInteger(Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
        var generator = (X: t8, Y: SquareRoot(CurveRight(t8)));
        var multiple = generator;
        var translates = new byte[7][];
        for (int k = 1; k <= 7; k++)
        {
            translates[k - 1] = ToBytes(Add(point, multiple).X);
            if (k < 7)
            {
                multiple = Add(multiple, generator);
            }
        }

        return translates;
    }

    /// <summary>u + p when it is below 2^255 (only for u &lt; 19), else <see langword="null"/>.</summary>
    public static byte[]? FieldAlias(ReadOnlySpan<byte> key)
    {
        BigInteger alias = ToInteger(key) + P;
        return alias < BigInteger.One << 255 ? ToBytes(alias) : null;
    }

    public static BigInteger ToInteger(ReadOnlySpan<byte> key) => new(key, isUnsigned: true, isBigEndian: false);

    public static byte[] ToBytes(BigInteger value)
    {
        byte[] bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    private static BigInteger Mod(BigInteger value) => ((value % P) + P) % P;

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);

    private static BigInteger CurveRight(BigInteger u) => Mod((u * u * u) + (486662 * u * u) + u);

    /// <summary>A square root mod p (p ≡ 5 mod 8, Atkin): a^((p+3)/8), times √−1 if that squares to −a.</summary>
    private static BigInteger SquareRoot(BigInteger a)
    {
        BigInteger root = BigInteger.ModPow(a, (P + 3) / 8, P);
        if (Mod(root * root) != Mod(a))
        {
            root = Mod(root * BigInteger.ModPow(2, (P - 1) / 4, P));
        }

        if (Mod(root * root) != Mod(a))
        {
            throw new ArgumentException("Not a point of the curve (it is on the twist).");
        }

        return root;
    }

    /// <summary>Affine addition on the Montgomery curve (B = 1, A = 486662); doubling when the points are equal.</summary>
    private static (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        BigInteger slope = a.X == b.X
            ? Mod(((3 * a.X * a.X) + (2 * 486662 * a.X) + 1) * Inverse(2 * a.Y))
            : Mod((b.Y - a.Y) * Inverse(b.X - a.X));
        BigInteger x = Mod((slope * slope) - 486662 - a.X - b.X);
        return (x, Mod((slope * (a.X - x)) - a.Y));
    }

    private static string[] BuildSmallOrder()
    {
        BigInteger[] canonical =
        [
            BigInteger.Zero,
            BigInteger.One,
            P - 1,
            ToInteger(Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")),
            ToInteger(Convert.FromHexString("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")),
        ];
        var encodings = new List<BigInteger>();
        foreach (BigInteger u in canonical)
        {
            encodings.Add(u);
            if (u + P < BigInteger.One << 255)
            {
                encodings.Add(u + P);
            }
        }

        BigInteger high = BigInteger.One << 255;
        return [.. encodings.Concat(encodings.Select(e => e + high)).Select(e => Convert.ToHexStringLower(ToBytes(e)))];
    }
}
