using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// An Ed25519 private key (RFC 8032): a client's long-term identity, used to sign its round keys and
/// survivor lists. Verification is <see cref="Signatures.Verify"/>.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>The size of an Ed25519 private key (seed) and public key, in bytes.</summary>
    public const int KeySize = 32;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey = new byte[KeySize];
    private bool _disposed;

    private SigningKey(byte[] privateKey)
    {
        _privateKey = privateKey;
        Ed25519.GeneratePublicKey(_privateKey, 0, _publicKey, 0);
    }

    /// <summary>Gets the 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Creates a signing key from fresh operating-system randomness.</summary>
    /// <returns>The key; dispose it to zero the private part.</returns>
    public static SigningKey Generate()
    {
        byte[] privateKey = new byte[KeySize];
        RandomNumberGenerator.Fill(privateKey);
        return new SigningKey(privateKey);
    }

    /// <summary>Recreates a signing key from its 32-byte private key (RFC 8032 §5.1.5 "secret key").</summary>
    /// <param name="privateKey">The private key; it is copied.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static SigningKey Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"An Ed25519 private key is {KeySize} bytes; got {privateKey.Length}.", nameof(privateKey));
        }

        return new SigningKey(privateKey.ToArray());
    }

    /// <summary>Copies the private key out, for the owner to store it protected.</summary>
    /// <param name="destination">Receives the 32-byte private key.</param>
    /// <exception cref="ArgumentException">The destination is shorter than 32 bytes.</exception>
    public void ExportPrivateKey(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < KeySize)
        {
            throw new ArgumentException($"The destination must hold {KeySize} bytes.", nameof(destination));
        }

        _privateKey.CopyTo(destination);
    }

    /// <summary>Signs a message (pure Ed25519, no context).</summary>
    /// <param name="message">The message.</param>
    /// <returns>The 64-byte signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        byte[] signature = new byte[Signatures.SignatureSize];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Signs a message into <paramref name="signature"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="signature">Receives the 64-byte signature.</param>
    /// <exception cref="ArgumentException">The destination is not 64 bytes.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (signature.Length != Signatures.SignatureSize)
        {
            throw new ArgumentException($"An Ed25519 signature is {Signatures.SignatureSize} bytes.", nameof(signature));
        }

        // The array overload is pure Ed25519; BouncyCastle's span overloads of the same shape are Ed25519ctx.
        byte[] messageCopy = message.ToArray();
        byte[] output = new byte[Signatures.SignatureSize];
        Ed25519.Sign(_privateKey, 0, _publicKey, 0, messageCopy, 0, messageCopy.Length, output, 0);
        output.CopyTo(signature);
    }

    /// <summary>Zeroes the private key.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_privateKey);
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => "Ed25519 key (private part not shown)";
}
