namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>What a corrupted client advertises, to honest clients, as its mask public key.</summary>
public enum KeySubstitution
{
    /// <summary>A fresh key whose secret the coalition holds, so it can compute its seed with the target.</summary>
    CoalitionKey,

    /// <summary>The victim's key, byte for byte.</summary>
    Copy,

    /// <summary>The victim's key with bit 255 flipped (X25519 ignores the bit).</summary>
    BitFlip,

    /// <summary>u(P + T) for the victim's point P and a point T of order 2, 4 or 8 (1/u for order 2): a canonical key with the same secret under every clamped scalar.</summary>
    TorsionShift,

    /// <summary>A small-order point or one of its aliases.</summary>
    SmallOrder,

    /// <summary>The victim's mask key from another round of the same session.</summary>
    OtherRound,

    /// <summary>The victim's mask key from another session.</summary>
    OtherSession,
}
