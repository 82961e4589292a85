namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// The pair of Shamir shares (of b_u and of s_u's private key) that client <paramref name="Sender"/> gives
/// client <paramref name="Recipient"/>, sealed with AES-256-GCM so that only the recipient can read it.
/// </summary>
/// <param name="Sender">The share owner's index.</param>
/// <param name="Recipient">The share holder's index.</param>
/// <param name="Ciphertext">nonce || ciphertext || tag; the associated data binds round, sender and recipient.</param>
public sealed record EncryptedShare(int Sender, int Recipient, ReadOnlyMemory<byte> Ciphertext);
