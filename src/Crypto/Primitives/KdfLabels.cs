namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The domain-separation labels of every key PrivateFl derives (specs/protocol.md, "Key derivation").
/// </summary>
/// <remarks>
/// Each derived key has its own label so that a value derived for one purpose can never be confused
/// with, or substituted for, a value derived for another, even from the same input key material.
/// </remarks>
public static class KdfLabels
{
    /// <summary>The AES-256-GCM key that encrypts the Shamir shares one client sends another.</summary>
    public const string ShareKey = "privatefl/v1/share-key";

    /// <summary>The seed of the pairwise mask two clients agree on.</summary>
    public const string MaskSeed = "privatefl/v1/mask-seed";

    /// <summary>The key of the AES-CTR stream that permutes the clients of a SecAgg+ neighbour graph.</summary>
    public const string Graph = "privatefl/v1/graph";
}
