namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 5 (expulsion), client → server: for each expelled culprit that is the client's neighbour and whose evidence the
/// client checked, the proven X25519 point of the pair's mask seed (specs/protocol.md §2.9).
/// </summary>
/// <param name="Sender">The client's index.</param>
/// <param name="PairPoints">One per culprit neighbour; <see cref="RevealedPairPoint.Peer"/> names the culprit.</param>
public sealed record ExpulsionPairPoints(int Sender, IReadOnlyList<RevealedPairPoint> PairPoints);
