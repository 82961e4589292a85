namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 4, client → server: for each neighbour whose shares the client holds, the share of b_v if v
/// survived, or the share of s_v's private key if v dropped; never both.
/// </summary>
/// <param name="Sender">The client's index.</param>
/// <param name="Shares">One share per neighbour held.</param>
public sealed record UnmaskShares(int Sender, IReadOnlyList<RevealedShare> Shares);
