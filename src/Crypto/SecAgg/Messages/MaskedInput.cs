namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Stage 2, client → server: y_u = x_u + PRG(b_u) ± Σ PRG(s_uv) mod 2^32.</summary>
/// <param name="Sender">The client's index.</param>
/// <param name="Vector">The masked vector, of the round's length d.</param>
/// <param name="Complaints">One complaint per neighbour whose share failed to open or to match its commitment (specs/protocol.md §2.8); empty when none did.</param>
public sealed record MaskedInput(int Sender, ReadOnlyMemory<uint> Vector, IReadOnlyList<ShareComplaint>? Complaints = null);
