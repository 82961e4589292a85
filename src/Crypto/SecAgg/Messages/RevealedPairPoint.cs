namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 4: for a neighbour that dropped, the X25519 point of the pair's mask seed with a proof that it belongs to
/// the revealing client's advertised s_u^PK, so that the server can remove the pair's mask even when the dropped
/// client's key shares are unusable (specs/protocol.md §2.8).
/// </summary>
/// <param name="Peer">The dropped neighbour.</param>
/// <param name="SharedPoint">X25519(s_u^SK, s_v^PK) as u (32 bytes) || parity of y (1 byte).</param>
/// <param name="Proof">c || s (64 bytes), Chaum–Pedersen, domain "privatefl/v1/pair-point".</param>
public sealed record RevealedPairPoint(int Peer, ReadOnlyMemory<byte> SharedPoint, ReadOnlyMemory<byte> Proof);
