using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The commitments that make every share and every reconstructed secret checkable (specs/protocol.md §2.8).
/// Each hash input starts with its ASCII domain, a 0x00 and the round context, as in <see cref="ProtocolEncoding"/>.
/// </summary>
internal static class CommitmentEncoding
{
    public const string SelfMaskDomain = "privatefl/v1/self-mask-commitment";
    public const string ShareDomain = "privatefl/v1/share-commitment";
    public const string ShareSignatureDomain = "privatefl/v1/share-signature";

    /// <summary>The size of one commitment (SHA-256).</summary>
    public const int CommitmentSize = 32;

    /// <summary>The size of a share's salt r_uv.</summary>
    public const int SaltSize = 32;

    /// <summary>H_uv^b || H_uv^s.</summary>
    public const int ShareCommitmentsSize = 2 * CommitmentSize;

    /// <summary>C_u = SHA-256(domain || 0x00 || context || uint32 u || b_u).</summary>
    public static void SelfMaskCommitment(RoundIdentity round, int owner, ReadOnlySpan<byte> selfMaskSeed, Span<byte> destination)
    {
        using IncrementalHash hash = Start(SelfMaskDomain, round);
        AppendUInt32(hash, (uint)owner);
        hash.AppendData(selfMaskSeed);
        Finish(hash, destination);
    }

    /// <summary>H_uv^k = SHA-256(domain || 0x00 || context || uint32 u || uint32 v || uint8 kind || share (68) || salt (32)).</summary>
    public static void ShareCommitment(RoundIdentity round, int dealer, int holder, SecretKind kind, ReadOnlySpan<byte> encodedShare, ReadOnlySpan<byte> salt, Span<byte> destination)
    {
        using IncrementalHash hash = Start(ShareDomain, round);
        AppendUInt32(hash, (uint)dealer);
        AppendUInt32(hash, (uint)holder);
        hash.AppendData([(byte)kind]);
        hash.AppendData(encodedShare);
        hash.AppendData(salt);
        Finish(hash, destination);
    }

    /// <summary>Whether an encoded share and salt open the dealer's commitment (fixed-time comparison).</summary>
    public static bool OpensShareCommitment(RoundIdentity round, int dealer, int holder, SecretKind kind, ReadOnlySpan<byte> encodedShare, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> commitment)
    {
        if (encodedShare.Length != ShamirShare.EncodedSize || salt.Length != SaltSize || commitment.Length != CommitmentSize)
        {
            return false;
        }

        Span<byte> computed = stackalloc byte[CommitmentSize];
        ShareCommitment(round, dealer, holder, kind, encodedShare, salt, computed);
        return CryptographicOperations.FixedTimeEquals(computed, commitment);
    }

    /// <summary>domain || 0x00 || context || uint32 u || uint32 v || H_uv^b || H_uv^s || ciphertext: what the dealer signs in active mode.</summary>
    public static byte[] ShareSignaturePayload(RoundIdentity round, int dealer, int holder, ReadOnlySpan<byte> commitments, ReadOnlySpan<byte> ciphertext)
    {
        int prefix = ShareSignatureDomain.Length + 1 + round.Context.Length;
        byte[] payload = new byte[prefix + (2 * sizeof(uint)) + commitments.Length + ciphertext.Length];
        System.Text.Encoding.ASCII.GetBytes(ShareSignatureDomain, payload);
        round.Context.CopyTo(payload.AsSpan(ShareSignatureDomain.Length + 1));
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(prefix), (uint)dealer);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(prefix + sizeof(uint)), (uint)holder);
        commitments.CopyTo(payload.AsSpan(prefix + (2 * sizeof(uint))));
        ciphertext.CopyTo(payload.AsSpan(prefix + (2 * sizeof(uint)) + commitments.Length));
        return payload;
    }

    private static IncrementalHash Start(string domain, RoundIdentity round)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(domain));
        hash.AppendData([0]);
        hash.AppendData(round.Context);
        return hash;
    }

    private static void AppendUInt32(IncrementalHash hash, uint value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void Finish(IncrementalHash hash, Span<byte> destination)
    {
        if (!hash.TryGetHashAndReset(destination, out int written) || written != CommitmentSize)
        {
            throw new CryptographicException("SHA-256 did not produce 32 bytes.");
        }
    }
}
