namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// The pair of Shamir shares (of b_u and of s_u's private key) that client <paramref name="Sender"/> gives
/// client <paramref name="Recipient"/>, sealed with AES-256-GCM so that only the recipient can read it.
/// </summary>
/// <param name="Sender">The share owner's index.</param>
/// <param name="Recipient">The share holder's index.</param>
/// <param name="Ciphertext">nonce || ciphertext || tag; the associated data binds round, sender and recipient.</param>
/// <param name="Commitments">H_uv^b || H_uv^s: the dealer's 32-byte commitments to the two shares inside (specs/protocol.md §2.8).</param>
/// <param name="Signature">Active mode: the dealer's Ed25519 signature over the commitments and the ciphertext; empty in semi-honest mode.</param>
public sealed record EncryptedShare(int Sender, int Recipient, ReadOnlyMemory<byte> Ciphertext, ReadOnlyMemory<byte> Commitments = default, ReadOnlyMemory<byte> Signature = default);
