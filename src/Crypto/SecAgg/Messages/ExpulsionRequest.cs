namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 4 close when the server needs pair points, server → every client that unmasked (specs/protocol.md §2.9): the
/// survivors expelled from the sum for dealing inconsistently, with the evidence, and the dropped clients whose mask key
/// could not be reconstructed. The receiver answers with the proven pair point of each one that is its neighbour.
/// </summary>
/// <param name="Culprits">One entry per expelled survivor, ascending by index.</param>
/// <param name="Dropped">The dropped clients whose s_v has fewer than t usable shares or was dealt inconsistently, ascending.</param>
public sealed record ExpulsionRequest(IReadOnlyList<CulpritEvidence> Culprits, IReadOnlyList<int>? Dropped = null);
