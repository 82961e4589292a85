using Org.BouncyCastle.Math.EC.Rfc8032;

namespace PrivateFl.Crypto.Primitives;

/// <summary>Ed25519 signature verification (RFC 8032), the public half of <see cref="SigningKey"/>.</summary>
public static class Signatures
{
    /// <summary>The size of a signature, in bytes.</summary>
    public const int SignatureSize = 64;

    /// <summary>The size of a public key, in bytes.</summary>
    public const int PublicKeySize = 32;

    /// <summary>Verifies an Ed25519 signature.</summary>
    /// <param name="publicKey">The signer's 32-byte public key.</param>
    /// <param name="message">The signed message.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> if the signature is valid; <see langword="false"/> for any invalid or malformed input.</returns>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        byte[] messageCopy = message.ToArray();
        return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, messageCopy, 0, messageCopy.Length);
    }

    /// <summary>
    /// Checks that a public key is a canonical encoding of a point of the prime-order subgroup: not small order
    /// (for example all zeros, the identity or a point of order 2, 4 or 8), not of mixed order, and with y &lt; p.
    /// </summary>
    /// <remarks>
    /// Verification alone accepts such keys, and a small-order key admits signatures that verify for many messages;
    /// an identity key is therefore checked in full once, at enrolment (RFC 8032 §5.1.3; "Taming the many EdDSAs").
    /// </remarks>
    /// <param name="publicKey">The candidate 32-byte key.</param>
    /// <returns><see langword="true"/> if the key is a valid identity key.</returns>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == PublicKeySize && Ed25519.ValidatePublicKeyFull(publicKey.ToArray(), 0);
}
