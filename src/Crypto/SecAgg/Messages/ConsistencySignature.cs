namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Stage 3 (active mode), client → server: the client's identity-key signature on the survivor list.</summary>
/// <param name="Sender">The client's index.</param>
/// <param name="Signature">Ed25519 over the consistency payload (specs/protocol.md §2.4).</param>
public sealed record ConsistencySignature(int Sender, ReadOnlyMemory<byte> Signature);
