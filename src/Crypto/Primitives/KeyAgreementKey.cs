using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// An X25519 key pair (RFC 7748). The private key never leaves this type except as a Shamir share;
/// the raw shared secret never leaves it at all: it goes straight into HKDF.
/// </summary>
public sealed class KeyAgreementKey : IDisposable
{
    /// <summary>The size of an X25519 private key, public key and shared secret, in bytes.</summary>
    public const int KeySize = 32;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private readonly OpenSslX25519.PrivateKeyHandle? _native;
    private bool _disposed;

    private KeyAgreementKey(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = new byte[KeySize];
        _native = UseOpenSsl ? OpenSslX25519.Import(privateKey) : null;
        if (_native is null || !OpenSslX25519.TryGetPublicKey(_native, _publicKey))
        {
            X25519.GeneratePublicKey(_privateKey, 0, _publicKey, 0);
        }
    }

    /// <summary>Gets or sets whether new keys use OpenSSL's X25519; tests turn it off to check that both implementations agree.</summary>
    internal static bool UseOpenSsl { get; set; } = OpenSslX25519.IsAvailable;

    /// <summary>Gets the 32-byte public key (the u-coordinate, little-endian, RFC 7748 §5).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Creates a key pair from fresh operating-system randomness.</summary>
    /// <returns>The new key pair; dispose it to zero the private key.</returns>
    public static KeyAgreementKey Generate()
    {
        byte[] privateKey = new byte[KeySize];
        RandomNumberGenerator.Fill(privateKey);
        return new KeyAgreementKey(privateKey);
    }

    /// <summary>Creates a key pair from 32 bytes of <paramref name="random"/> (the randomness seam of <see cref="IRandomSource"/>).</summary>
    internal static KeyAgreementKey Generate(IRandomSource random)
    {
        byte[] privateKey = new byte[KeySize];
        random.Fill(privateKey);
        return new KeyAgreementKey(privateKey);
    }

    /// <summary>Recreates a key pair from a 32-byte private key (for example one reconstructed from shares).</summary>
    /// <param name="privateKey">The private scalar; it is copied.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public static KeyAgreementKey Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"An X25519 private key is {KeySize} bytes; got {privateKey.Length}.", nameof(privateKey));
        }

        return new KeyAgreementKey(privateKey.ToArray());
    }

    /// <summary>
    /// Agrees with a peer and derives a key from the shared secret with HKDF-SHA256 under <paramref name="label"/>.
    /// </summary>
    /// <param name="peerPublicKey">The peer's 32-byte public key; it must pass <see cref="X25519PublicKey.Check"/>.</param>
    /// <param name="label">The purpose of the derived key, one of <see cref="KdfLabels"/>.</param>
    /// <param name="context">Public data the key is bound to.</param>
    /// <param name="output">Receives the derived key.</param>
    /// <exception cref="ArgumentException">The peer key is not 32 bytes.</exception>
    /// <exception cref="KeyAgreementException">The peer key is not canonical (bit 255 set, or u ≥ 2^255 − 19) or is of small order.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void DeriveSharedKey(ReadOnlySpan<byte> peerPublicKey, string label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (X25519PublicKey.Check(peerPublicKey))
        {
            case X25519PublicKeyDefect.None:
                break;
            case X25519PublicKeyDefect.WrongLength:
                throw new ArgumentException($"An X25519 public key is {KeySize} bytes; got {peerPublicKey.Length}.", nameof(peerPublicKey));
            case X25519PublicKeyDefect.SmallOrder:
                throw new KeyAgreementException();
            case X25519PublicKeyDefect defect:
                // Another spelling of some canonical key (RFC 7748 §5): accepting it would let a copied key pass a byte comparison.
                throw new KeyAgreementException($"The peer public key is not the canonical X25519 encoding ({defect}): bit 255 must be clear and u below 2^255 − 19.");
        }

        Span<byte> shared = stackalloc byte[KeySize];
        try
        {
            Agree(peerPublicKey, shared);
            Kdf.DeriveKey(shared, label, context, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>Copies the private key, for secret sharing only.</summary>
    internal void ExportPrivateKey(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _privateKey.CopyTo(destination);
    }

    /// <summary>The raw X25519 function; internal so that its output can only feed a KDF (and known-answer tests).</summary>
    internal void Agree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (peerPublicKey.Length != KeySize)
        {
            throw new ArgumentException($"An X25519 public key is {KeySize} bytes; got {peerPublicKey.Length}.", nameof(peerPublicKey));
        }

        // OpenSSL is the fast path; BouncyCastle decides whenever OpenSSL fails, so that every refusal
        // (a small-order peer key) is the reference implementation's.
        if (_native is not null && OpenSslX25519.TryAgree(_native, peerPublicKey, sharedSecret) && sharedSecret.IndexOfAnyExcept((byte)0) >= 0)
        {
            return;
        }

        if (!X25519.CalculateAgreement(_privateKey, peerPublicKey, sharedSecret))
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            throw new KeyAgreementException();
        }
    }

    /// <summary>Zeroes the private key.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_privateKey);
        _native?.Dispose();
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => "X25519 key (private part not shown)";
}
