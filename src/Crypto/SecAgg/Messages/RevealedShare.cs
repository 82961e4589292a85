namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>One Shamir share a client reveals at unmasking.</summary>
/// <param name="Owner">The client whose secret it is.</param>
/// <param name="Kind">Which of the owner's secrets.</param>
/// <param name="Share">The 68-byte share encoding (specs/protocol.md §1.5).</param>
public sealed record RevealedShare(int Owner, SecretKind Kind, ReadOnlyMemory<byte> Share);
