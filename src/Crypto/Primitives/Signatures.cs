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
}
