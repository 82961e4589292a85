namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 4 close when some survivor dealt inconsistently, server → every client that unmasked: the culprits whose masked
/// inputs the server removed from the sum, with the evidence, and the request for the proven pair point of each culprit
/// that is the receiver's neighbour, so that the pairwise masks shared with it cancel (specs/protocol.md §2.9).
/// </summary>
/// <param name="Culprits">One entry per expelled survivor, ascending by index.</param>
public sealed record ExpulsionRequest(IReadOnlyList<CulpritEvidence> Culprits);
