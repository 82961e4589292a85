using System.Buffers;
using System.Security.Cryptography;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// HKDF-SHA256 (RFC 5869) with domain-separated labels.
/// </summary>
/// <remarks>
/// The HKDF <c>info</c> input is <c>UTF8(label) || 0x00 || context</c>: the zero byte ends the label, so
/// no (label, context) pair can be read as another (specs/protocol.md, "Key derivation").
/// </remarks>
public static class Kdf
{
    /// <summary>The largest label, in UTF-8 bytes, that <see cref="DeriveKey"/> accepts.</summary>
    public const int MaxLabelLength = 64;

    private const int StackInfoLimit = 256;

    /// <summary>Derives <paramref name="output"/>.Length bytes from input key material.</summary>
    /// <param name="inputKeyMaterial">The secret input (for example an X25519 shared secret).</param>
    /// <param name="label">The purpose of the key, one of <see cref="KdfLabels"/>; ASCII without NUL.</param>
    /// <param name="context">Public data the key is bound to (session, round, parties).</param>
    /// <param name="output">Receives the derived key; 1 to 8160 bytes (255 SHA-256 blocks).</param>
    /// <param name="salt">The optional HKDF salt; empty means a string of zeros (RFC 5869 §2.2).</param>
    /// <exception cref="ArgumentException">The label is empty, too long, not printable ASCII, or the output size is out of range.</exception>
    public static void DeriveKey(
        ReadOnlySpan<byte> inputKeyMaterial,
        string label,
        ReadOnlySpan<byte> context,
        Span<byte> output,
        ReadOnlySpan<byte> salt = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (label.Length > MaxLabelLength)
        {
            throw new ArgumentException($"The label must have at most {MaxLabelLength} characters; it has {label.Length}.", nameof(label));
        }

        foreach (char c in label)
        {
            if (c is < (char)0x21 or > (char)0x7E)
            {
                throw new ArgumentException("The label must be printable ASCII without spaces.", nameof(label));
            }
        }

        if (output.IsEmpty || output.Length > 255 * 32)
        {
            throw new ArgumentException("The output must be 1 to 8160 bytes long.", nameof(output));
        }

        int infoLength = label.Length + 1 + context.Length;
        byte[]? rented = null;
        Span<byte> info = infoLength <= StackInfoLimit
            ? stackalloc byte[StackInfoLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(infoLength));
        info = info[..infoLength];
        try
        {
            System.Text.Encoding.ASCII.GetBytes(label, info);
            info[label.Length] = 0;
            context.CopyTo(info[(label.Length + 1)..]);
            Hkdf(inputKeyMaterial, salt, info, output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Plain HKDF-SHA256 (RFC 5869 §2): extract with the salt, expand with the info.</summary>
    internal static void Hkdf(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
        => HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
}
