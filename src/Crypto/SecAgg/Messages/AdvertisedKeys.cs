namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 0, client → server (and relayed to the client's neighbours): the client's two round public keys,
/// signed with its identity key in active mode.
/// </summary>
/// <param name="Sender">The client's index in the round, 1 … n.</param>
/// <param name="CipherPublicKey">c_u: the X25519 key that encrypts shares.</param>
/// <param name="MaskPublicKey">s_u: the X25519 key that agrees pairwise mask seeds.</param>
/// <param name="Signature">Ed25519 over the advertisement payload (specs/protocol.md §2.4); empty in semi-honest mode.</param>
/// <param name="SelfMaskCommitment">C_u: the 32-byte commitment to the self-mask seed b_u (specs/protocol.md §2.8), covered by the signature.</param>
public sealed record AdvertisedKeys(int Sender, ReadOnlyMemory<byte> CipherPublicKey, ReadOnlyMemory<byte> MaskPublicKey, ReadOnlyMemory<byte> Signature, ReadOnlyMemory<byte> SelfMaskCommitment = default);
