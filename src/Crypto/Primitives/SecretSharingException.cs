using System.Security.Cryptography;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The exception thrown when Shamir shares do not reconstruct a valid secret: they are inconsistent
/// with one polynomial, or the value they give is not a 32-byte secret (a corrupted or forged share).
/// </summary>
public sealed class SecretSharingException : CryptographicException
{
    /// <summary>Initialises a new instance with a default message.</summary>
    public SecretSharingException()
        : base("The shares do not reconstruct a valid secret.")
    {
    }

    /// <summary>Initialises a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public SecretSharingException(string? message)
        : base(message)
    {
    }

    /// <summary>Initialises a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public SecretSharingException(string? message, Exception? inner)
        : base(message, inner)
    {
    }
}
