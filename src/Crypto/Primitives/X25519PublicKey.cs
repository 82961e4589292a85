namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The one check every X25519 public key of a peer passes before PrivateFl uses it (specs/protocol.md §1.1):
/// the key must be the canonical encoding of a point of large order.
/// </summary>
/// <remarks>
/// <para>RFC 7748 §5 makes X25519 accept 2^256 strings for 2^255 − 19 u-coordinates: it clears bit 255 and
/// reduces u modulo p, so a key with bit 255 flipped, or u + p when that is below 2^255, agrees to exactly the same
/// secret as the original. A party that compares keys as bytes (to refuse a copied key) is blind to these
/// spellings; issue 9 §1 used one to make an honest client's pairwise masks cancel. Refusing every spelling but
/// the canonical one (bit 255 clear, u &lt; p) gives each u-coordinate exactly one accepted encoding, so that after
/// this check equal keys are equal bytes.</para>
/// <para>RFC 7748 §6.1 lets a party detect a small-order peer key by the all-zero result; this check refuses them
/// up front without an agreement. The curve group is Z/8 × Z/ℓ and the twist's Z/4 × Z/ℓ′, and X25519 accepts
/// points of both. A point is killed by the clamped scalar (a multiple of 8) iff its order divides 8; doubling
/// maps u to (u² − 1)² / (4u(u² + 486662u + 1)), whose zeros and poles give the complete list of their
/// u-coordinates: 0 (order 2, shared by curve and twist), 1 and p − 1 (order 4 on the curve and on the twist),
/// and the two u-coordinates of the curve's points of order 8 (the twist has none). Their aliases u + p and the
/// bit-255 spellings are already refused as non-canonical.</para>
/// <para>Canonicity does not make keys unforgeable: u(P + T) for a point T of order 2, 4 or 8 is a different
/// canonical key with the same secret under every clamped scalar. The protocol therefore also binds both
/// parties' indices and advertised keys into every pairwise derivation (specs/protocol.md §2.4).</para>
/// </remarks>
public static class X25519PublicKey
{
    /// <summary>The size of an X25519 public key, in bytes.</summary>
    public const int Size = 32;

    // Little-endian u-coordinates, all canonical (below p), of the points of order dividing 8 (see remarks).
    private static readonly byte[][] SmallOrderPoints =
    [
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        Convert.FromHexString("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    ];

    /// <summary>Checks a peer's public key.</summary>
    /// <param name="publicKey">The key as received: the little-endian u-coordinate (RFC 7748 §5).</param>
    /// <returns><see cref="X25519PublicKeyDefect.None"/> if the key may be used, else why not.</returns>
    public static X25519PublicKeyDefect Check(ReadOnlySpan<byte> publicKey)
    {
        // Public data: no need for constant time.
        if (publicKey.Length != Size)
        {
            return X25519PublicKeyDefect.WrongLength;
        }

        if ((publicKey[31] & 0x80) != 0)
        {
            return X25519PublicKeyDefect.HighBitSet;
        }

        // With bit 255 clear, u ≥ p = 0x7fff…ffed exactly when the top 31 bytes are 0x7f, 0xff … 0xff and the lowest is ≥ 0xed.
        if (publicKey[31] == 0x7F && publicKey[1..31].IndexOfAnyExcept((byte)0xFF) < 0 && publicKey[0] >= 0xED)
        {
            return X25519PublicKeyDefect.NotReduced;
        }

        foreach (byte[] point in SmallOrderPoints)
        {
            if (publicKey.SequenceEqual(point))
            {
                return X25519PublicKeyDefect.SmallOrder;
            }
        }

        return X25519PublicKeyDefect.None;
    }

    /// <summary>Gets whether a peer's public key may be used: <see cref="Check"/> finds no defect.</summary>
    /// <param name="publicKey">The key as received.</param>
    /// <returns><see langword="true"/> for a canonical key of large order.</returns>
    public static bool IsValid(ReadOnlySpan<byte> publicKey) => Check(publicKey) == X25519PublicKeyDefect.None;
}
