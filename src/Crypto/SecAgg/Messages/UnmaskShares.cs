namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 4, client → server: for each neighbour whose shares the client holds, the share of b_v if v
/// survived, or the share of s_v's private key if v dropped; never both.
/// </summary>
/// <param name="Sender">The client's index.</param>
/// <param name="Shares">One share per neighbour held (a neighbour whose share failed to open has none).</param>
/// <param name="PairPoints">Empty: the server asks for the pair points it needs at Expel (specs/protocol.md §2.9) and refuses them here.</param>
public sealed record UnmaskShares(int Sender, IReadOnlyList<RevealedShare> Shares, IReadOnlyList<RevealedPairPoint>? PairPoints = null);
