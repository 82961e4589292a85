namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Stage 1, client → server: one encrypted share pair per live neighbour.</summary>
/// <param name="Sender">The client's index.</param>
/// <param name="Shares">Exactly one entry per neighbour in the client's key directory.</param>
public sealed record ShareKeys(int Sender, IReadOnlyList<EncryptedShare> Shares);
