namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// One share of a culprit's self-mask seed as the server holds it: revealed by <paramref name="Holder"/> at unmasking,
/// with what the culprit dealt it (specs/protocol.md §2.9).
/// </summary>
/// <param name="Holder">The neighbour that held and revealed the share.</param>
/// <param name="Share">The 68-byte share encoding, as revealed.</param>
/// <param name="Salt">The 32-byte salt that opens the dealer's commitment to the share.</param>
/// <param name="Commitments">H_uv^b || H_uv^s (64 bytes), as the dealer sent them with the sealed share.</param>
/// <param name="Ciphertext">Active mode: the sealed share as the dealer sent it (covered by its signature); empty otherwise.</param>
/// <param name="Signature">Active mode: the dealer's Ed25519 signature over the share-signature payload; empty otherwise.</param>
public sealed record DealtShareEvidence(int Holder, ReadOnlyMemory<byte> Share, ReadOnlyMemory<byte> Salt, ReadOnlyMemory<byte> Commitments, ReadOnlyMemory<byte> Ciphertext = default, ReadOnlyMemory<byte> Signature = default);
