using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The one definition of how a pair's X25519 output becomes its share key or its mask seed, used by the clients
/// (through <see cref="KeyAgreementKey.DeriveSharedKey"/>) and by the server when a complaint or a revealed pair
/// point discloses the output (specs/protocol.md §2.4, §2.6).
/// </summary>
internal static class PairwiseKeys
{
    /// <summary>The share key of dealer u and holder v from their X25519 output.</summary>
    public static void ShareKey(ReadOnlySpan<byte> sharedSecret, RoundIdentity round, Span<byte> shareKey) =>
        Kdf.DeriveKey(sharedSecret, KdfLabels.ShareKey, round.Context, shareKey);

    /// <summary>The mask seed of a pair from its X25519 output.</summary>
    public static void MaskSeed(ReadOnlySpan<byte> sharedSecret, RoundIdentity round, Span<byte> seed) =>
        Kdf.DeriveKey(sharedSecret, KdfLabels.MaskSeed, round.Context, seed);
}
