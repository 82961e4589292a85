namespace PrivateFl.Crypto.Primitives;

/// <summary>Why <see cref="X25519PublicKey.Check"/> refuses a peer's X25519 public key.</summary>
public enum X25519PublicKeyDefect
{
    /// <summary>The key is a canonical encoding of a point of large order: accepted.</summary>
    None = 0,

    /// <summary>The key is not 32 bytes long.</summary>
    WrongLength = 1,

    /// <summary>Bit 255 is set: X25519 ignores it, so the key is another spelling of the key with the bit clear.</summary>
    HighBitSet = 2,

    /// <summary>The u-coordinate is at least p = 2^255 − 19: X25519 reduces it, so it is another spelling of u − p.</summary>
    NotReduced = 3,

    /// <summary>The point has order 1, 2, 4 or 8: every agreement with it is the all-zero string.</summary>
    SmallOrder = 4,
}
