using System.Buffers.Binary;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The two keys a pair of clients agrees on in a round, the share key and the mask seed s_uv (specs/protocol.md
/// §2.4), computed the same way by both clients and by the server when it removes a dropped client's masks.
/// </summary>
/// <remarks>
/// The HKDF info binds the round context, both indices and both advertised public keys, ordered by index:
/// <c>context || uint32_le(lo) || pk_lo || uint32_le(hi) || pk_hi</c>. X25519 gives the same secret for many
/// public keys (the bit-255 and u + p spellings, and u(P + T) for every point T of order dividing 8), so a
/// corrupted client that advertises such a variant of an honest client's key gets the same X25519 output with
/// every honest client; binding the pair's identities and exact keys makes the seeds of (u, w) and (u, v)
/// differ all the same, so no copied, re-encoded or replayed key makes two pairwise masks cancel.
/// </remarks>
internal static class PairwiseKeys
{
    /// <summary>The bytes after the round context: two (uint32 index, 32-byte key) pairs.</summary>
    public const int PairSize = 2 * (sizeof(uint) + X25519PublicKey.Size);

    /// <summary>s_uv = HKDF(X25519(s_own, s_peer), privatefl/v1/mask-seed, pair context).</summary>
    public static void DeriveMaskSeed(KeyAgreementKey own, int ownIndex, ReadOnlySpan<byte> ownPublicKey, int peer, ReadOnlySpan<byte> peerPublicKey, RoundIdentity round, Span<byte> seed) =>
        Derive(own, KdfLabels.MaskSeed, ownIndex, ownPublicKey, peer, peerPublicKey, round, seed);

    /// <summary>The AES-256-GCM key of the pair's shares = HKDF(X25519(c_own, c_peer), privatefl/v1/share-key, pair context).</summary>
    public static void DeriveShareKey(KeyAgreementKey own, int ownIndex, ReadOnlySpan<byte> ownPublicKey, int peer, ReadOnlySpan<byte> peerPublicKey, RoundIdentity round, Span<byte> key) =>
        Derive(own, KdfLabels.ShareKey, ownIndex, ownPublicKey, peer, peerPublicKey, round, key);

    /// <summary>The context part of the HKDF info: round context || uint32_le(lo) || pk_lo || uint32_le(hi) || pk_hi.</summary>
    public static byte[] PairContext(RoundIdentity round, int u, ReadOnlySpan<byte> publicKeyU, int v, ReadOnlySpan<byte> publicKeyV)
    {
        if (u == v)
        {
            throw new ArgumentException($"A pair needs two distinct clients; both are {u}.", nameof(v));
        }

        if (publicKeyU.Length != X25519PublicKey.Size || publicKeyV.Length != X25519PublicKey.Size)
        {
            throw new ArgumentException($"Both public keys must be {X25519PublicKey.Size} bytes.", publicKeyU.Length != X25519PublicKey.Size ? nameof(publicKeyU) : nameof(publicKeyV));
        }

        ReadOnlySpan<byte> context = round.Context;
        byte[] pair = new byte[context.Length + PairSize];
        context.CopyTo(pair);
        Span<byte> rest = pair.AsSpan(context.Length);
        // Ordered by index so that both ends write the same bytes.
        bool uFirst = u < v;
        WriteEnd(rest, uFirst ? u : v, uFirst ? publicKeyU : publicKeyV);
        WriteEnd(rest[(sizeof(uint) + X25519PublicKey.Size)..], uFirst ? v : u, uFirst ? publicKeyV : publicKeyU);
        return pair;
    }

    private static void WriteEnd(Span<byte> destination, int index, ReadOnlySpan<byte> publicKey)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)index);
        publicKey.CopyTo(destination[sizeof(uint)..]);
    }

    private static void Derive(KeyAgreementKey own, string label, int ownIndex, ReadOnlySpan<byte> ownPublicKey, int peer, ReadOnlySpan<byte> peerPublicKey, RoundIdentity round, Span<byte> output) =>
        own.DeriveSharedKey(peerPublicKey, label, PairContext(round, ownIndex, ownPublicKey, peer, peerPublicKey), output);
}
