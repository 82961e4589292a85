using Org.BouncyCastle.Math.EC;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// Curve25519 in short-Weierstrass form ("Wei25519"), on BouncyCastle's prime-field curve arithmetic, with the
/// maps to and from X25519 u-coordinates (specs/protocol.md §2.8): a Montgomery point (u, v) of
/// v² = u³ + 486662·u² + u is the Weierstrass point (u + 486662/3 mod p, v) of y² = x³ + a·x + b with
/// a = (3 − A²)/3 and b = (2A³ − 9A)/27, so the Weierstrass y is the Montgomery v.
/// </summary>
/// <remarks>
/// All curve arithmetic is BouncyCastle's (<see cref="FpCurve"/>); this class only converts encodings and checks
/// membership, so that no field code of our own touches a secret. BouncyCastle 2.x no longer lists this curve
/// among its named curves, so it is built from RFC 7748's constants and checked against them in the tests.
/// </remarks>
internal static class Curve25519Points
{
    /// <summary>u-coordinate (32 bytes, little-endian) || parity of y (one byte, 0 or 1).</summary>
    public const int EncodedSize = KeyAgreementSize + 1;

    private const int KeyAgreementSize = 32;

    private static readonly BcBigInteger A = BcBigInteger.ValueOf(486662);

    /// <summary>Gets the field prime p = 2^255 − 19 (RFC 7748 §4.1).</summary>
    public static BcBigInteger P { get; } = BcBigInteger.One.ShiftLeft(255).Subtract(BcBigInteger.ValueOf(19));

    /// <summary>Gets the prime order ℓ = 2^252 + 27742317777372353535851937790883648493 of the base point (RFC 7748 §4.1).</summary>
    public static BcBigInteger Order { get; } = BcBigInteger.One.ShiftLeft(252).Add(new BcBigInteger("27742317777372353535851937790883648493"));

    /// <summary>Gets A/3 mod p, the shift from Montgomery u to Weierstrass x.</summary>
    public static BcBigInteger Shift { get; } = A.Multiply(BcBigInteger.Three.ModInverse(P)).Mod(P);

    /// <summary>Gets the curve y² = x³ + a·x + b over GF(p), of order 8·ℓ.</summary>
    public static ECCurve Curve { get; } = new FpCurve(
        P,
        BcBigInteger.Three.Subtract(A.Multiply(A)).Multiply(BcBigInteger.Three.ModInverse(P)).Mod(P),
        BcBigInteger.Two.Multiply(A.Pow(3)).Subtract(BcBigInteger.ValueOf(9).Multiply(A)).Multiply(BcBigInteger.ValueOf(27).ModInverse(P)).Mod(P),
        Order,
        BcBigInteger.ValueOf(8));

    /// <summary>Gets the standard base point G (u = 9, v from RFC 7748 §4.1), of prime order ℓ.</summary>
    public static ECPoint BasePoint { get; } = Curve.CreatePoint(
        BcBigInteger.ValueOf(9).Add(Shift).Mod(P),
        new BcBigInteger("14781619447589544791020593568409986887264606134616475288964881837755586237401")).Normalize();

    /// <summary>Gets 8·G, the generator of the proofs (the clamped scalar is 8·a').</summary>
    public static ECPoint CofactorBasePoint { get; } = BasePoint.Multiply(BcBigInteger.ValueOf(8)).Normalize();

    /// <summary>Reads a canonical u-coordinate (below p) as the curve point with that u and even y.</summary>
    /// <returns>The point, or <see langword="null"/> when u is not canonical or lies on the twist.</returns>
    public static ECPoint? LiftEven(ReadOnlySpan<byte> u) => Lift(u, odd: false);

    /// <summary>Reads a u-coordinate and a y-parity as a curve point.</summary>
    /// <returns>The point, or <see langword="null"/> when u is not canonical, lies on the twist, or is the point (0, 0).</returns>
    public static ECPoint? Lift(ReadOnlySpan<byte> u, bool odd)
    {
        if (u.Length != KeyAgreementSize)
        {
            return null;
        }

        BcBigInteger montgomeryU = FromLittleEndian(u);
        if (montgomeryU.CompareTo(P) >= 0)
        {
            return null;
        }

        BcBigInteger x = montgomeryU.Add(Shift).Mod(P);
        byte[] compressed = new byte[33];
        compressed[0] = odd ? (byte)0x03 : (byte)0x02;
        byte[] xBytes = x.ToByteArrayUnsigned();
        xBytes.CopyTo(compressed, 33 - xBytes.Length);
        try
        {
            ECPoint point = Curve.DecodePoint(compressed).Normalize();

            // y = 0 has no odd twin; a request for it is not an encoding of any point.
            return point.AffineYCoord.TestBitZero() == odd ? point : null;
        }
        catch (ArgumentException)
        {
            // No square root: u is on the quadratic twist, not on the curve.
            return null;
        }
    }

    /// <summary>Reads a 33-byte encoding (u || parity) as a point of prime order ℓ.</summary>
    /// <returns>The point, or <see langword="null"/> when the encoding is not canonical or the point is not of order ℓ.</returns>
    public static ECPoint? DecodePrimeOrder(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize || encoded[KeyAgreementSize] > 1)
        {
            return null;
        }

        ECPoint? point = Lift(encoded[..KeyAgreementSize], encoded[KeyAgreementSize] == 1);
        return point is not null && IsOfPrimeOrder(point) ? point : null;
    }

    /// <summary>Tells whether a point is not the identity and ℓ·P = O (so it lies in the prime-order subgroup).</summary>
    public static bool IsOfPrimeOrder(ECPoint point) => !point.IsInfinity && point.Multiply(Order).IsInfinity;

    /// <summary>Writes u(P) little-endian and the parity of y.</summary>
    public static void Encode(ECPoint point, Span<byte> destination)
    {
        ECPoint normal = point.Normalize();
        WriteU(normal, destination[..KeyAgreementSize]);
        destination[KeyAgreementSize] = normal.AffineYCoord.TestBitZero() ? (byte)1 : (byte)0;
    }

    /// <summary>Writes u(P) = x − A/3 mod p, little-endian: the X25519 encoding of the point.</summary>
    public static void WriteU(ECPoint point, Span<byte> destination)
    {
        ECPoint normal = point.Normalize();
        BcBigInteger u = normal.AffineXCoord.ToBigInteger().Subtract(Shift).Mod(P);
        ToLittleEndian(u, destination[..KeyAgreementSize]);
    }

    /// <summary>Reads little-endian bytes as a non-negative integer.</summary>
    public static BcBigInteger FromLittleEndian(ReadOnlySpan<byte> bytes)
    {
        byte[] bigEndian = bytes.ToArray();
        Array.Reverse(bigEndian);
        try
        {
            return new BcBigInteger(1, bigEndian);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bigEndian);
        }
    }

    /// <summary>Writes a non-negative integer below 2^256 as 32 little-endian bytes.</summary>
    public static void ToLittleEndian(BcBigInteger value, Span<byte> destination)
    {
        byte[] bigEndian = value.ToByteArrayUnsigned();
        destination[..KeyAgreementSize].Clear();
        for (int i = 0; i < bigEndian.Length; i++)
        {
            destination[i] = bigEndian[bigEndian.Length - 1 - i];
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bigEndian);
    }
}
