using System.Security.Cryptography;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The exception thrown when an X25519 agreement yields the all-zero shared secret, which happens only
/// for a small-order (malicious or malformed) peer public key (RFC 7748 §6.1), or when the peer public key is
/// refused before the agreement (<see cref="X25519PublicKey.Check"/>).
/// </summary>
public sealed class KeyAgreementException : CryptographicException
{
    /// <summary>Initialises a new instance with a default message.</summary>
    public KeyAgreementException()
        : base("The peer public key is of small order: X25519 gave the all-zero shared secret (RFC 7748 §6.1).")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public KeyAgreementException(string? message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public KeyAgreementException(string? message, Exception? inner)
        : base(message, inner)
    {
    }
}
