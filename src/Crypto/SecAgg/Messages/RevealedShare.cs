namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>One Shamir share a client reveals at unmasking.</summary>
/// <param name="Owner">The client whose secret it is.</param>
/// <param name="Kind">Which of the owner's secrets.</param>
/// <param name="Share">The 68-byte share encoding (specs/protocol.md §1.5).</param>
/// <param name="Salt">The 32-byte salt r_uv that opens the dealer's commitment to this share (specs/protocol.md §2.8).</param>
public sealed record RevealedShare(int Owner, SecretKind Kind, ReadOnlyMemory<byte> Share, ReadOnlyMemory<byte> Salt = default);
