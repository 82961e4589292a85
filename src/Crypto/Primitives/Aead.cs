using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce carried in front of the ciphertext
/// (specs/protocol.md, "Authenticated encryption").
/// </summary>
/// <remarks>
/// Message layout: <c>nonce (12) || ciphertext (plaintext length) || tag (16)</c>. Every decryption failure,
/// whatever was tampered (nonce, ciphertext, tag, associated data, length) or a wrong key, raises
/// <see cref="AuthenticationTagMismatchException"/> and leaves the plaintext buffer zeroed.
/// </remarks>
public static class Aead
{
    /// <summary>The key size, in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The nonce size, in bytes (NIST SP 800-38D recommends 96 bits).</summary>
    public const int NonceSize = 12;

    /// <summary>The authentication tag size, in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>The bytes a message adds to its plaintext.</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Encrypts under a fresh random nonce.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="plaintext">The data to encrypt.</param>
    /// <param name="associatedData">Data authenticated but not encrypted.</param>
    /// <returns>The message, <see cref="Overhead"/> bytes longer than the plaintext.</returns>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        byte[] message = new byte[plaintext.Length + Overhead];
        Encrypt(key, plaintext, associatedData, message);
        return message;
    }

    /// <summary>Encrypts under a fresh random nonce into <paramref name="message"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="plaintext">The data to encrypt.</param>
    /// <param name="associatedData">Data authenticated but not encrypted.</param>
    /// <param name="message">Receives the message; exactly <see cref="Overhead"/> bytes longer than the plaintext.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes or the destination has the wrong length.</exception>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> message)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        EncryptWithNonce(key, nonce, plaintext, associatedData, message);
    }

    /// <summary>Encrypts under a nonce drawn from <paramref name="random"/> (the randomness seam of <see cref="IRandomSource"/>).</summary>
    internal static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, IRandomSource random)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        random.Fill(nonce);
        byte[] message = new byte[plaintext.Length + Overhead];
        EncryptWithNonce(key, nonce, plaintext, associatedData, message);
        return message;
    }

    /// <summary>Decrypts and authenticates a message.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="message">The message produced by <see cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</param>
    /// <param name="associatedData">The same associated data given to encryption.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="AuthenticationTagMismatchException">The message is not authentic under this key and associated data.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> associatedData)
    {
        if (message.Length < Overhead)
        {
            throw new AuthenticationTagMismatchException();
        }

        byte[] plaintext = new byte[message.Length - Overhead];
        Decrypt(key, message, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>Decrypts and authenticates a message into <paramref name="plaintext"/>.</summary>
    /// <param name="key">The 32-byte key.</param>
    /// <param name="message">The message.</param>
    /// <param name="associatedData">The same associated data given to encryption.</param>
    /// <param name="plaintext">Receives the plaintext; exactly <see cref="Overhead"/> bytes shorter than the message. Zeroed on failure.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes or the destination has the wrong length.</exception>
    /// <exception cref="AuthenticationTagMismatchException">The message is not authentic under this key and associated data.</exception>
    public static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        ValidateKey(key);
        if (message.Length < Overhead)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AuthenticationTagMismatchException();
        }

        if (plaintext.Length != message.Length - Overhead)
        {
            throw new ArgumentException($"The plaintext buffer must be {message.Length - Overhead} bytes long.", nameof(plaintext));
        }

        using var gcm = new AesGcm(key, TagSize);
        try
        {
            gcm.Decrypt(
                message[..NonceSize],
                message[NonceSize..^TagSize],
                message[^TagSize..],
                plaintext,
                associatedData);
        }
        catch (CryptographicException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AuthenticationTagMismatchException();
        }
    }

    /// <summary>Deterministic encryption under a caller's nonce: for known-answer tests only.</summary>
    internal static void EncryptWithNonce(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData,
        Span<byte> message)
    {
        ValidateKey(key);
        if (message.Length != plaintext.Length + Overhead)
        {
            throw new ArgumentException($"The message buffer must be {plaintext.Length + Overhead} bytes long.", nameof(message));
        }

        nonce.CopyTo(message);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, message[NonceSize..^TagSize], message[^TagSize..], associatedData);
    }

    private static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256-GCM key is {KeySize} bytes; got {key.Length}.", nameof(key));
        }
    }
}
