namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 2, inside <see cref="MaskedInput"/>: the complainant's proof that the share a neighbour dealt it fails
/// to open or to match the dealer's commitment (specs/protocol.md §2.8).
/// </summary>
/// <param name="Dealer">The neighbour whose share failed.</param>
/// <param name="SharedPoint">Z = X25519(c_v^SK, c_u^PK) as u (32 bytes, little-endian) || parity of y (1 byte): it reveals only this pair's share key.</param>
/// <param name="Proof">c || s (64 bytes): a Chaum–Pedersen proof that Z belongs to the complainant's advertised c_v^PK.</param>
public sealed record ShareComplaint(int Dealer, ReadOnlyMemory<byte> SharedPoint, ReadOnlyMemory<byte> Proof);
